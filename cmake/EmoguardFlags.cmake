# Compiler flags shared by every emoguard target: warnings, -Werror in CI, sanitizers.
add_library(emoguard_flags INTERFACE)
add_library(emoguard::flags ALIAS emoguard_flags)
target_compile_options(emoguard_flags INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align -Woverloaded-virtual
  -Wimplicit-fallthrough -Wformat=2)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # GCC 12 at -O2/-O3 reports -Wrestrict and -Wnull-dereference inside libstdc++'s std::string
  # (GCC bugs 105329, 105651): false positives in library code, fatal under -Werror.
  target_compile_options(emoguard_flags INTERFACE -Wno-restrict)
else()
  target_compile_options(emoguard_flags INTERFACE -Wnull-dereference)
endif()
if(EMOGUARD_WERROR)
  target_compile_options(emoguard_flags INTERFACE -Werror)
endif()
target_compile_definitions(emoguard_flags INTERFACE
  EMOGUARD_VERSION="${PROJECT_VERSION}" _FILE_OFFSET_BITS=64)

if(EMOGUARD_SANITIZE)
  # Applied globally so that every object, test and tool shares one runtime.
  add_compile_options(-fsanitize=${EMOGUARD_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${EMOGUARD_SANITIZE})
endif()
