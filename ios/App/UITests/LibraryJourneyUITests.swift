// The first steps of the journey on a simulator (xcodebuild test, on a Mac only: parsed here).
// The app starts on an empty vault in a fresh simulator: the library shows the core's empty text;
// the search field is there and labelled by the system. Later steps (import, viewer, share) are
// added as their screens merge.

import XCTest

final class LibraryJourneyUITests: XCTestCase {
    override func setUp() {
        continueAfterFailure = false
    }

    @MainActor
    func testLibraryOpensOnTheCoresEmptyText() throws {
        let app = XCUIApplication()
        app.launch()
        XCTAssertTrue(app.navigationBars["Scanpass"].waitForExistence(timeout: 20))
        // the core's English empty text begins so (core/src/screens/library.rs, Fluent catalogue)
        let empty = app.staticTexts.matching(NSPredicate(format: "label BEGINSWITH %@", "No images yet."))
        XCTAssertTrue(empty.firstMatch.waitForExistence(timeout: 10))
        XCTAssertTrue(app.searchFields.firstMatch.exists)
    }
}
