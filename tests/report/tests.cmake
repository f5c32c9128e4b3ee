# The reports (JSON, JUnit, HTML): report.sample writes them for the sample
# plans, report.cli checks them against the GeoPackage (sqlite3) and the
# JUnit schema (xmllint) and tries the paths refused; report.schema validates the JSON against its JSON Schema (ajv)
# and report.html loads the page in headless Chromium (playwright-core);
# both use the Node.js packages report.npm_ci installs into the build tree.
set(PC_REPORT_OUT ${CMAKE_CURRENT_BINARY_DIR}/report-out)
set(PC_REPORT_NODE ${CMAKE_CURRENT_BINARY_DIR}/report-node)
add_test(NAME report.sample
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/report/test_report.sh make
          $<TARGET_FILE:plancheck-cli> ${PROJECT_SOURCE_DIR} ${PC_REPORT_OUT})
add_test(NAME report.cli
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/report/test_report.sh check
          $<TARGET_FILE:plancheck-cli> ${PROJECT_SOURCE_DIR} ${PC_REPORT_OUT})
add_test(NAME report.npm_ci
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/report/npm_ci.sh
          ${CMAKE_CURRENT_SOURCE_DIR}/report ${PC_REPORT_NODE})
add_test(NAME report.schema
  COMMAND node ${CMAKE_CURRENT_SOURCE_DIR}/report/validate_json.mjs
          ${PC_REPORT_NODE} ${PROJECT_SOURCE_DIR}/src/report/report.schema.json
          ${PC_REPORT_OUT}/report.json ${PC_REPORT_OUT}/jinliwen.json
          ${PC_REPORT_OUT}/check.json)
add_test(NAME report.html
  COMMAND node ${CMAKE_CURRENT_SOURCE_DIR}/report/check_html.mjs
          ${PC_REPORT_NODE} ${PC_REPORT_OUT}/report.html
          ${PC_REPORT_OUT}/report.json ${CMAKE_CURRENT_BINARY_DIR}/report-browser)
set_tests_properties(report.sample PROPERTIES FIXTURES_SETUP report_out TIMEOUT 300)
set_tests_properties(report.cli PROPERTIES FIXTURES_REQUIRED report_out TIMEOUT 300)
set_tests_properties(report.npm_ci PROPERTIES FIXTURES_SETUP report_node TIMEOUT 300)
set_tests_properties(report.schema PROPERTIES
  FIXTURES_REQUIRED "report_out;report_node" TIMEOUT 120)
# 77: no chromium on this machine (the test says so); CI installs it
set_tests_properties(report.html PROPERTIES
  FIXTURES_REQUIRED "report_out;report_node" SKIP_RETURN_CODE 77 TIMEOUT 300)
