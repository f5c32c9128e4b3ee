# landuse.cmake: included by the top-level CMakeLists.txt. Generates the C
# source that embeds the 用地用海 code table; PC_LANDUSE_SOURCES lists the
# module's sources for the library target.
set(PC_LANDUSE_TSV ${CMAKE_CURRENT_LIST_DIR}/landuse-2023.tsv)
set(PC_LANDUSE_TABLE_C ${CMAKE_CURRENT_BINARY_DIR}/landuse_table.c)
add_custom_command(
  OUTPUT ${PC_LANDUSE_TABLE_C}
  COMMAND ${CMAKE_COMMAND} -DINPUT=${PC_LANDUSE_TSV}
          -DOUTPUT=${PC_LANDUSE_TABLE_C}
          -P ${CMAKE_CURRENT_LIST_DIR}/embed_table.cmake
  DEPENDS ${PC_LANDUSE_TSV} ${CMAKE_CURRENT_LIST_DIR}/embed_table.cmake
  COMMENT "Embedding the land-use code table"
  VERBATIM)
set(PC_LANDUSE_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/landuse.c
  ${PC_LANDUSE_TABLE_C})
