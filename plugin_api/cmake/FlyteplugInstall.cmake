# Installation layout and the exported CMake package of flyteplug.
#
# Included at the end of the top-level CMakeLists.txt, after every target is
# defined. `cmake --install <build> --prefix P` produces:
#
#   P/bin/flyteplug                          the host CLI (RPATH $ORIGIN/../lib)
#   P/bin/flyteplug-serve                    `flyteplug serve`, exec'd by it
#   P/include/flyteplug/{plugin.h,loader.h,loader_client.h,sdk/*.h,
#                        tasklog/*.h,flytek8s/*.h}
#   P/include/flyteplug/sdk/{boundary,testing}/*.h  boundary kit, fake host
#   P/include/{flyteidl,flyteplug}/**.pb.h   host-side generated headers
#   P/include/flyteplug/abi/**.pb.h          module-side (lite) generated headers
#   P/share/flyteplug/proto/**.proto         the public .proto schema
#   P/lib/libflyteplug_proto.so*             host-side generated code (full runtime)
#   P/lib/libflyteplug_abi_proto.a           module-side generated code (lite, static)
#   P/lib/libflyteplug_loader.so*            the loader (RPATH $ORIGIN)
#   P/lib/libflyteplug_sdk.a                 the C++ SDK for module authors
#   P/lib/libflyteplug_tasklog.a             Flyte's log-link templating
#   P/lib/libflyteplug_flytek8s.a            Flyte's pod building (flytek8s)
#   P/lib/libflyteplug_sdk_testing.a         FakeHost, ModuleUnderTest
#   P/lib/libflyteplug_sdk_json.a            its JSON and configuration layer
#   P/lib/flyteplug/modules/*.so             shipped modules (RPATH $ORIGIN/../..)
#   P/lib/cmake/flyteplug/                   find_package(flyteplug)
#   P/lib/pkgconfig/flyteplug-{loader,plugin}.pc
#   P/lib/python3/dist-packages/flyteplug/   the Python binding (a package;
#                                            finds ../../../libflyteplug_loader.so.1)
#   P/share/flyteplug/go/flyteplug/          the Go binding's source (module
#                                            `flyteplug`, with cmd/flyteplug-go)
#
# Everything is relocatable: RPATHs are $ORIGIN-relative, the CMake package
# computes its prefix from its own location and the pkg-config files from
# ${pcfiledir}. Targets defined by other parts of the tree are guarded with
# if(TARGET ...) so a partial tree still configures.

include(CMakePackageConfigHelpers)

set(FLYTEPLUG_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/flyteplug")
set(FLYTEPLUG_INSTALL_MODULEDIR "${FLYTEPLUG_MODULE_SUBDIR}")

# --- Libraries that form the exported package ------------------------------

# flyteplug::loader_client: the header-only C++ wrapper (loader_client.h)
# over the loader, with the Abseil libraries it uses.
if(TARGET flyteplug_loader AND NOT TARGET flyteplug_loader_client)
  add_library(flyteplug_loader_client INTERFACE)
  add_library(flyteplug::loader_client ALIAS flyteplug_loader_client)
  target_link_libraries(flyteplug_loader_client INTERFACE
    flyteplug_loader absl::status absl::statusor absl::strings absl::cord)
endif()

set(_flyteplug_export_targets)
foreach(_pair IN ITEMS
        "flyteplug_proto:proto"
        "flyteplug_abi_proto:abi_proto"
        "flyteplug_plugin_api:plugin_api"
        "flyteplug_sdk_json:json"
        "flyteplug_sdk:sdk"
        "flyteplug_tasklog:tasklog"
        "flyteplug_flytek8s:flytek8s"
        "flyteplug_sdk_testing:sdk_testing"
        "flyteplug_loader:loader"
        "flyteplug_loader_client:loader_client")
  string(REPLACE ":" ";" _pair "${_pair}")
  list(GET _pair 0 _target)
  list(GET _pair 1 _export_name)
  if(TARGET ${_target})
    set_target_properties(${_target} PROPERTIES EXPORT_NAME ${_export_name})
    list(APPEND _flyteplug_export_targets ${_target})
  endif()
endforeach()

# The loader finds libflyteplug_proto beside itself.
if(TARGET flyteplug_loader)
  set_target_properties(flyteplug_loader PROPERTIES INSTALL_RPATH "$ORIGIN")
endif()

install(TARGETS ${_flyteplug_export_targets}
  EXPORT flyteplugTargets
  LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}"
    COMPONENT runtime NAMELINK_COMPONENT devel
  ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT devel
  RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}" COMPONENT runtime
  INCLUDES DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")

install(EXPORT flyteplugTargets
  NAMESPACE flyteplug::
  DESTINATION "${FLYTEPLUG_INSTALL_CMAKEDIR}"
  COMPONENT devel)

# --- The CLI and the shipped modules ---------------------------------------

# flyteplug-serve goes beside flyteplug: `flyteplug serve` execs it from its
# own directory, and both find lib/ and the modules the same way.
foreach(_cli_target flyteplug flyteplug-serve)
  if(TARGET ${_cli_target})
    set_target_properties(${_cli_target} PROPERTIES
      INSTALL_RPATH "$ORIGIN/../${CMAKE_INSTALL_LIBDIR}")
    install(TARGETS ${_cli_target}
      RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}" COMPONENT runtime)
  endif()
endforeach()

# Other executables the CLI may need at run time (e.g. a conformance runner)
# are installed beside it when they exist.
if(TARGET flyteplug_conformance)
  get_target_property(_conf_type flyteplug_conformance TYPE)
  if(_conf_type STREQUAL "EXECUTABLE")
    set_target_properties(flyteplug_conformance PROPERTIES
      INSTALL_RPATH "$ORIGIN/../${CMAKE_INSTALL_LIBDIR}")
    install(TARGETS flyteplug_conformance
      RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}" COMPONENT runtime)
  elseif(_conf_type STREQUAL "SHARED_LIBRARY")
    set_target_properties(flyteplug_conformance PROPERTIES
      INSTALL_RPATH "$ORIGIN")
    install(TARGETS flyteplug_conformance
      LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT runtime)
  endif()
endif()

# Modules need nothing from lib/: their messages are linked in statically.
foreach(_module IN ITEMS flyteplug_spark flyteplug_databricks)
  if(TARGET ${_module})
    get_target_property(_module_type ${_module} TYPE)
    if(_module_type STREQUAL "MODULE_LIBRARY")
      install(TARGETS ${_module}
        LIBRARY DESTINATION "${FLYTEPLUG_INSTALL_MODULEDIR}"
        COMPONENT runtime)
    endif()
  endif()
endforeach()

# --- Headers and .proto sources --------------------------------------------

install(DIRECTORY "${PROJECT_SOURCE_DIR}/plugin_api/include/"
  DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}"
  COMPONENT devel
  FILES_MATCHING PATTERN "*.h")
if(EXISTS "${PROJECT_SOURCE_DIR}/loader/include/flyteplug")
  install(DIRECTORY "${PROJECT_SOURCE_DIR}/loader/include/"
    DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}"
    COMPONENT devel
    FILES_MATCHING PATTERN "*.h")
endif()
if(FLYTEPLUG_PROTO_GEN_DIR)
  # The generated headers exist only after the build; install(DIRECTORY)
  # evaluates at install time, which always follows a build.
  install(DIRECTORY "${FLYTEPLUG_PROTO_GEN_DIR}/"
    DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}"
    COMPONENT devel
    FILES_MATCHING PATTERN "*.pb.h")
endif()
if(FLYTEPLUG_ABI_PROTO_GEN_DIR)
  install(DIRECTORY "${FLYTEPLUG_ABI_PROTO_GEN_DIR}/"
    DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}"
    COMPONENT devel
    FILES_MATCHING PATTERN "*.pb.h")
endif()
# The public schema (protobuf wire format is the contract, for any
# language); the lite stand-ins of the well-known types are build inputs only.
install(DIRECTORY "${FLYTEPLUG_PROTO_SOURCE_DIR}/"
  DESTINATION "${CMAKE_INSTALL_DATADIR}/flyteplug/proto"
  COMPONENT devel
  FILES_MATCHING PATTERN "*.proto"
  PATTERN "abi_wkt" EXCLUDE)

# --- The CMake package ------------------------------------------------------

configure_package_config_file(
  "${CMAKE_CURRENT_LIST_DIR}/flyteplugConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/flyteplugConfig.cmake"
  INSTALL_DESTINATION "${FLYTEPLUG_INSTALL_CMAKEDIR}"
  PATH_VARS CMAKE_INSTALL_INCLUDEDIR FLYTEPLUG_INSTALL_MODULEDIR
            CMAKE_INSTALL_BINDIR)
write_basic_package_version_file(
  "${PROJECT_BINARY_DIR}/flyteplugConfigVersion.cmake"
  VERSION "${PROJECT_VERSION}"
  COMPATIBILITY SameMajorVersion)
install(FILES
  "${PROJECT_BINARY_DIR}/flyteplugConfig.cmake"
  "${PROJECT_BINARY_DIR}/flyteplugConfigVersion.cmake"
  # flyteplug_add_module() finds the version script beside itself.
  "${CMAKE_CURRENT_LIST_DIR}/FlyteplugModule.cmake"
  "${CMAKE_CURRENT_LIST_DIR}/flyteplug_module.map"
  DESTINATION "${FLYTEPLUG_INSTALL_CMAKEDIR}"
  COMPONENT devel)

# --- pkg-config -------------------------------------------------------------

# The prefix is computed from the .pc file's own location, so the tree can be
# moved: ${pcfiledir} is lib/pkgconfig, the prefix is as many levels up.
file(RELATIVE_PATH FLYTEPLUG_PC_PREFIX_FROM_PCDIR
  "/prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/prefix")
string(REGEX REPLACE "/$" "" FLYTEPLUG_PC_PREFIX_FROM_PCDIR
  "${FLYTEPLUG_PC_PREFIX_FROM_PCDIR}")
foreach(_pc IN ITEMS flyteplug-loader flyteplug-plugin)
  configure_file("${CMAKE_CURRENT_LIST_DIR}/${_pc}.pc.in"
    "${PROJECT_BINARY_DIR}/pkgconfig/${_pc}.pc" @ONLY)
  install(FILES "${PROJECT_BINARY_DIR}/pkgconfig/${_pc}.pc"
    DESTINATION "${CMAKE_INSTALL_LIBDIR}/pkgconfig"
    COMPONENT devel)
endforeach()

# --- Host bindings ------------------------------------------------------------

# Python: the single-file binding installed as the package `flyteplug` where
# Debian's python3 looks (/usr/lib/python3/dist-packages is on its default
# sys.path; another prefix adds <prefix>/lib/python3/dist-packages to
# PYTHONPATH). _install.py tells it where the installed loader is, relative
# to the package directory, so no environment variable is needed.
set(FLYTEPLUG_INSTALL_PYTHONDIR "lib/python3/dist-packages" CACHE STRING
  "Install directory of the Python binding, relative to the prefix")
set(_python_binding "${PROJECT_SOURCE_DIR}/examples/bindings/python/flyteplug.py")
if(TARGET flyteplug_loader AND EXISTS "${_python_binding}")
  file(RELATIVE_PATH _loader_from_package
    "/prefix/${FLYTEPLUG_INSTALL_PYTHONDIR}/flyteplug"
    "/prefix/${CMAKE_INSTALL_LIBDIR}/libflyteplug_loader.so.1")
  file(WRITE "${PROJECT_BINARY_DIR}/python/_install.py"
    "# Written by the flyteplug install: where the loader library is,\n"
    "# relative to this package's directory.\n"
    "LOADER_FROM_PACKAGE = \"${_loader_from_package}\"\n")
  install(FILES "${_python_binding}"
    DESTINATION "${FLYTEPLUG_INSTALL_PYTHONDIR}/flyteplug"
    RENAME "__init__.py" COMPONENT runtime)
  install(FILES "${PROJECT_BINARY_DIR}/python/_install.py"
    DESTINATION "${FLYTEPLUG_INSTALL_PYTHONDIR}/flyteplug" COMPONENT runtime)
endif()

# Go: the package source (no tests: they need the source tree), built by the
# user's go toolchain with the cgo flags of flyteplug-loader.pc.
set(_go_binding "${PROJECT_SOURCE_DIR}/examples/bindings/go")
if(EXISTS "${_go_binding}/go.mod")
  install(DIRECTORY "${_go_binding}/"
    DESTINATION "${CMAKE_INSTALL_DATADIR}/flyteplug/go/flyteplug"
    COMPONENT devel
    FILES_MATCHING
      PATTERN "*.go" PATTERN "*.c" PATTERN "*.h" PATTERN "go.mod"
      PATTERN "README.md"
      PATTERN "*_test.go" EXCLUDE)
endif()
