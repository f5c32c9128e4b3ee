# embed_table.cmake: writes a text file's bytes into a C source as a
# NUL-terminated array, so the library carries the 用地用海 code table and
# needs no data file at run time. CMake only, no other tool:
#   cmake -DINPUT=<table.tsv> -DOUTPUT=<file.c> -P embed_table.cmake
if(NOT INPUT OR NOT OUTPUT)
  message(FATAL_ERROR "embed_table.cmake: set INPUT and OUTPUT")
endif()
get_filename_component(name "${INPUT}" NAME)
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" nhex)
math(EXPR nbytes "${nhex} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
# One source line per table line keeps the generated file readable in diffs.
string(REPLACE "0x0a," "0x0a,\n" bytes "${bytes}")
set(text "/* Generated from ${name} by embed_table.cmake; do not edit. */
#include \"landuse/landuse_internal.h\"

const char pc_landuse_tsv_name[] = \"${name}\";
const size_t pc_landuse_tsv_len = ${nbytes};
const unsigned char pc_landuse_tsv[] = {
${bytes}0x00};
")
file(WRITE "${OUTPUT}" "${text}")
