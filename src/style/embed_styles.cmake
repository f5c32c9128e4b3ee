# embed_styles.cmake: writes every maps/styles/*.qml into one C source as
# NUL-terminated byte arrays, so the library carries its QGIS styles and
# needs no data file at run time. CMake only, no other tool:
#   cmake -DSTYLE_DIR=<maps/styles> -DOUTPUT=<file.c> -P embed_styles.cmake
if(NOT STYLE_DIR OR NOT OUTPUT)
  message(FATAL_ERROR "embed_styles.cmake: set STYLE_DIR and OUTPUT")
endif()
file(GLOB files "${STYLE_DIR}/*.qml")
list(SORT files)
set(arrays "")
set(table "")
set(i 0)
foreach(f IN LISTS files)
  get_filename_component(name "${f}" NAME_WE)
  file(READ "${f}" hex HEX)
  string(LENGTH "${hex}" nhex)
  math(EXPR nbytes "${nhex} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  # One source line per QML line keeps the generated file readable.
  string(REPLACE "0x0a," "0x0a,\n" bytes "${bytes}")
  string(APPEND arrays "/* ${name}.qml */\nstatic const unsigned char qml_${i}[] = {\n${bytes}0x00};\n\n")
  string(APPEND table "    {\"${name}\", (const char *)qml_${i}, ${nbytes}},\n")
  math(EXPR i "${i} + 1")
endforeach()
file(WRITE "${OUTPUT}" "/* Generated from the QML files of maps/styles by embed_styles.cmake; do not edit. */
#include \"style/style_internal.h\"

${arrays}const pc_style_file pc_style_files[] = {
${table}};
const size_t pc_style_nfiles = ${i};
")
