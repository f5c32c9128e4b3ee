# The sample data in gis/ is reproducible byte for byte from its generator.
find_program(PYTHON3 python3 REQUIRED)
add_test(NAME sample.reproducible
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/sample/check_sample_reproducible.sh
          ${PROJECT_SOURCE_DIR} oujiangkou oujiangkou.gpkg parcels.shp
          parcels.shx parcels.dbf parcels.prj parcels.cpg projects.geojson)
add_test(NAME sample.jinliwen.reproducible
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/sample/check_sample_reproducible.sh
          ${PROJECT_SOURCE_DIR} jinliwen jinliwen.gpkg counties.geojson
          expected-findings.txt)

# The sample plans end to end: their findings, id by id.
add_test(NAME sample.findings
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/sample/check_sample_findings.sh
          $<TARGET_FILE:plancheck-cli> ${PROJECT_SOURCE_DIR})
