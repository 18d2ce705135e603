# Derives the module-side ("abi") copy of one .proto file from the public one:
#
#   package P;          ->  package flyteplug.abi.P;
#   import "F";         ->  import "flyteplug/abi/F";
#   (after the package)     option optimize_for = LITE_RUNTIME;
#
# Field numbers, types and names are untouched, so the result is
# wire-identical to the public message. References such as
# `flyteidl.core.Identifier` or `google.protobuf.Struct` resolve to the
# prefixed packages by protobuf's scoping rules (innermost scope first).
# Lite code registers no descriptors, so every module can carry its own copy.
#
#   cmake -DINPUT=<public.proto> -DNAME=<its import path> -DOUTPUT=<abi.proto> -P abi_transform.cmake
if(NOT INPUT OR NOT OUTPUT)
  message(FATAL_ERROR "abi_transform.cmake: INPUT and OUTPUT are required")
endif()
file(READ "${INPUT}" _text)
if(NOT _text MATCHES "\npackage [A-Za-z0-9_.]+;")
  message(FATAL_ERROR "abi_transform.cmake: ${INPUT}: no `package X;` line")
endif()
if(_text MATCHES "\noption optimize_for")
  message(FATAL_ERROR
    "abi_transform.cmake: ${INPUT}: declares optimize_for; the public schema "
    "must leave it to this transform")
endif()
string(REGEX REPLACE "\npackage ([A-Za-z0-9_.]+);"
       "\npackage flyteplug.abi.\\1;\noption optimize_for = LITE_RUNTIME;"
       _text "${_text}")
string(REGEX REPLACE "\nimport \"([^\"]+)\";" "\nimport \"flyteplug/abi/\\1\";"
       _text "${_text}")
# Leading-dot (fully qualified) type names would escape the prefix.
if(_text MATCHES "[ \t(<,]\\.(flyteidl|flyteplug|google)\\.")
  message(FATAL_ERROR
    "abi_transform.cmake: ${INPUT}: fully qualified type names (leading '.') "
    "cannot be moved into the flyteplug.abi package; drop the leading dot")
endif()
file(WRITE "${OUTPUT}.tmp"
  "// Generated from ${NAME} by abi_transform.cmake. Do not edit.\n${_text}")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
