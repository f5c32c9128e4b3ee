# style.cmake: included by the top-level CMakeLists.txt. Generates the C
# source that embeds the QGIS styles of maps/styles/; PC_STYLE_SOURCES lists
# the module's sources for the library target.
file(GLOB PC_STYLE_QML CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/maps/styles/*.qml)
set(PC_STYLE_FILES_C ${CMAKE_CURRENT_BINARY_DIR}/style_files.c)
add_custom_command(
  OUTPUT ${PC_STYLE_FILES_C}
  COMMAND ${CMAKE_COMMAND} -DSTYLE_DIR=${PROJECT_SOURCE_DIR}/maps/styles
          -DOUTPUT=${PC_STYLE_FILES_C}
          -P ${CMAKE_CURRENT_LIST_DIR}/embed_styles.cmake
  DEPENDS ${PC_STYLE_QML} ${CMAKE_CURRENT_LIST_DIR}/embed_styles.cmake
  COMMENT "Embedding the QGIS styles"
  VERBATIM)
set(PC_STYLE_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/style.c
  ${PC_STYLE_FILES_C})
