# cmake -DOUT=header -DFILES="a|b" -P embed.cmake
# Writes one `inline constexpr std::string_view template_<name>` per file.
set(body "// Generated from templates/ by embed.cmake; do not edit.\n#pragma once\n#include <string_view>\nnamespace mlops::templates {\n")
string(REPLACE "|" ";" FILES "${FILES}")
foreach(f IN LISTS FILES)
  get_filename_component(name ${f} NAME)
  string(MAKE_C_IDENTIFIER ${name} id)
  file(READ ${f} content)
  string(APPEND body "inline constexpr std::string_view ${id} = R\"mlops_tpl(${content})mlops_tpl\";\n")
endforeach()
string(APPEND body "}  // namespace mlops::templates\n")
file(WRITE ${OUT}.tmp "${body}")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
file(REMOVE ${OUT}.tmp)
