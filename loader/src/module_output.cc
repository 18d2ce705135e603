#include "module_output.h"

#include <string>
#include <utility>

#include "flyteplug/sdk/boundary/buffer.h"

namespace flyteplug::loader {

using sdk::boundary::EmitOwnedString;
using sdk::boundary::ReleaseBuffer;
using sdk::boundary::TakeBuffer;

ModuleOutput::ModuleOutput(flyteplug_buffer* produced,
                           bool module_stays_loaded) {
  if (module_stays_loaded && produced->data != nullptr) {
    buffer_ = *produced;
    *produced = flyteplug_buffer{};
    return;
  }
  EmitOwnedString(TakeBuffer(produced), &buffer_);
}

ModuleOutput::~ModuleOutput() { ReleaseBuffer(&buffer_); }

ModuleOutput::ModuleOutput(ModuleOutput&& other) noexcept
    : buffer_(std::exchange(other.buffer_, flyteplug_buffer{})) {}

ModuleOutput& ModuleOutput::operator=(ModuleOutput&& other) noexcept {
  if (this != &other) {
    ReleaseBuffer(&buffer_);
    buffer_ = std::exchange(other.buffer_, flyteplug_buffer{});
  }
  return *this;
}

void ModuleOutput::HandTo(flyteplug_buffer* out) {
  if (buffer_.release == nullptr) EmitOwnedString(std::string(), &buffer_);
  *out = std::exchange(buffer_, flyteplug_buffer{});
}

}  // namespace flyteplug::loader
