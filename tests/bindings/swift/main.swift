// Entry point of the scenario test binary: XCTest on Linux has no test discovery, so the tests are
// listed here, in the order they run (the order of SCENARIO.md).

import XCTest

XCTMain([
    testCase([
        ("test_0_sha256_is_right", ScenarioTests.test_0_sha256_is_right),
        ("test_1_key_store_in_swift_keeps_the_vault_key", ScenarioTests.test_1_key_store_in_swift_keeps_the_vault_key),
        ("test_2_lock_unlock_and_wrong_keys", ScenarioTests.test_2_lock_unlock_and_wrong_keys),
        ("test_3_import_reports_progress_through_a_swift_listener", ScenarioTests.test_3_import_reports_progress_through_a_swift_listener),
        ("test_4_cancel_half_way", ScenarioTests.test_4_cancel_half_way),
        ("test_5_library_lists_patients_studies_series_and_thumbnails", ScenarioTests.test_5_library_lists_patients_studies_series_and_thumbnails),
        ("test_5b_the_vault_tells_a_listener_of_its_changes", ScenarioTests.test_5b_the_vault_tells_a_listener_of_its_changes),
        ("test_6_render_matches_the_rust_side", asyncTest(ScenarioTests.test_6_render_matches_the_rust_side)),
        ("test_7_typed_errors", asyncTest(ScenarioTests.test_7_typed_errors)),
        ("test_8_share_receive_revoke_through_a_relay", asyncTest(ScenarioTests.test_8_share_receive_revoke_through_a_relay)),
        ("test_9_viewer_screen", ScenarioTests.test_9_viewer_screen),
        ("test_10_start_and_appointment_mode", ScenarioTests.test_10_start_and_appointment_mode),
        ("test_11_request_wizard_to_a_letter_then_the_follow_up", ScenarioTests.test_11_request_wizard_to_a_letter_then_the_follow_up),
        ("test_12_share_and_receive_screens", ScenarioTests.test_12_share_and_receive_screens),
        ("test_13_first_image_at_the_views_size", ScenarioTests.test_13_first_image_at_the_views_size),
    ]),
])
