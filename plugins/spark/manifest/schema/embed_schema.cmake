# Writes a C++ source defining the SparkApplication OpenAPI schema as a string
# constant. Run at build time: cmake -DINPUT=<json> -DOUTPUT=<cc> -P <this>.
file(READ "${INPUT}" _content)
string(FIND "${_content}" ")fpschema\"" _clash)
if(NOT _clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw-string delimiter")
endif()
file(WRITE "${OUTPUT}.tmp"
  "// Generated from ${INPUT} by embed_schema.cmake. Do not edit.\n"
  "#include \"embedded_schema.h\"\n\n"
  "namespace flyteplug::spark {\n"
  "namespace {\n"
  "constexpr char kSchema[] = R\"fpschema(${_content})fpschema\";\n"
  "}  // namespace\n\n"
  "absl::string_view SparkApplicationOpenApiSchema() {\n"
  "  return absl::string_view(kSchema, sizeof(kSchema) - 1);\n"
  "}\n\n"
  "}  // namespace flyteplug::spark\n")
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
