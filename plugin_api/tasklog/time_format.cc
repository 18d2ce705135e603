#include "flyteplug/tasklog/time_format.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace flyteplug::tasklog {
namespace {

// Reads exactly `width` ASCII digits at text[*pos]; advances *pos.
bool ReadDigits(absl::string_view text, size_t* pos, int width, int* out) {
  if (text.size() < *pos + width) return false;
  int value = 0;
  for (int i = 0; i < width; ++i) {
    char c = text[*pos + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  *pos += width;
  *out = value;
  return true;
}

bool Expect(absl::string_view text, size_t* pos, char c) {
  if (*pos >= text.size() || text[*pos] != c) return false;
  ++*pos;
  return true;
}

bool IsLeapYear(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30,
                                    31, 31, 30, 31, 30, 31};
  if (month == 2 && IsLeapYear(year)) return 29;
  return kDays[month - 1];
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
// days_from_civil).
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;  // [0, 399]
  const int64_t doy =
      (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;        // [0, 365]
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;  // [0, 146096]
  return era * 146097 + doe - 719468;
}

// The inverse (civil_from_days).
void CivilFromDays(int64_t z, int64_t* y, int* m, int* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  *d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

absl::Status Malformed(absl::string_view text, absl::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("not an RFC 3339 timestamp (", what, "): \"",
                   text.substr(0, 64), text.size() > 64 ? "..." : "", "\""));
}

}  // namespace

absl::StatusOr<int64_t> ParseRfc3339ToUnixSeconds(absl::string_view text) {
  size_t pos = 0;
  int year, month, day, hour, minute, second;
  if (!ReadDigits(text, &pos, 4, &year) || !Expect(text, &pos, '-') ||
      !ReadDigits(text, &pos, 2, &month) || !Expect(text, &pos, '-') ||
      !ReadDigits(text, &pos, 2, &day)) {
    return Malformed(text, "expected YYYY-MM-DD");
  }
  if (!Expect(text, &pos, 'T')) return Malformed(text, "expected 'T'");
  if (!ReadDigits(text, &pos, 2, &hour) || !Expect(text, &pos, ':') ||
      !ReadDigits(text, &pos, 2, &minute) || !Expect(text, &pos, ':') ||
      !ReadDigits(text, &pos, 2, &second)) {
    return Malformed(text, "expected hh:mm:ss");
  }
  if (month < 1 || month > 12) return Malformed(text, "month out of range");
  if (day < 1 || day > DaysInMonth(year, month)) {
    return Malformed(text, "day out of range");
  }
  if (hour > 23 || minute > 59 || second > 59) {
    return Malformed(text, "time out of range");
  }
  if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
    ++pos;
    size_t digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      ++pos;
      ++digits;
    }
    if (digits == 0) return Malformed(text, "empty fraction");
  }
  int offset_seconds = 0;
  if (pos < text.size() && text[pos] == 'Z') {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    const int sign = text[pos] == '-' ? -1 : 1;
    ++pos;
    int off_hour, off_minute;
    if (!ReadDigits(text, &pos, 2, &off_hour) || !Expect(text, &pos, ':') ||
        !ReadDigits(text, &pos, 2, &off_minute)) {
      return Malformed(text, "expected a zone offset +hh:mm");
    }
    if (off_hour > 23 || off_minute > 59) {
      return Malformed(text, "zone offset out of range");
    }
    offset_seconds = sign * (off_hour * 3600 + off_minute * 60);
  } else {
    return Malformed(text, "expected 'Z' or a zone offset");
  }
  if (pos != text.size()) return Malformed(text, "trailing characters");

  return DaysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 +
         second - offset_seconds;
}

std::string FormatRfc3339Utc(int64_t unix_seconds) {
  int64_t days = unix_seconds / 86400;
  int64_t rem = unix_seconds % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  int64_t year;
  int month, day;
  CivilFromDays(days, &year, &month, &day);
  // Go writes at least four year digits, with a leading '-' when negative.
  std::string out;
  out.reserve(24);
  if (year < 0) out.push_back('-');
  const std::string year_digits = absl::StrCat(year < 0 ? -year : year);
  out.append(year_digits.size() < 4 ? 4 - year_digits.size() : 0, '0');
  out.append(year_digits);
  const auto two = [&out](char separator, int64_t value) {
    out.push_back(separator);
    out.push_back(static_cast<char>('0' + value / 10));
    out.push_back(static_cast<char>('0' + value % 10));
  };
  two('-', month);
  two('-', day);
  two('T', rem / 3600);
  two(':', rem / 60 % 60);
  two(':', rem % 60);
  out.push_back('Z');
  return out;
}

}  // namespace flyteplug::tasklog
