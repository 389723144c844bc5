// The patient's journey on a simulator (xcodebuild test, on a Mac only: parsed here). Each step
// checks what the core words (English), as ScanpassKit's tests do against the same core on
// Linux. The app starts on a fresh vault (SCANPASS_UITEST_FRESH); the viewer steps import the
// SAG-anon CD folder from the Mac's ../shared/dicom-samples (SCANPASS_SAMPLES in the test's
// environment, passed on to the app) and are skipped, loudly, without it.

import XCTest

final class JourneyUITests: XCTestCase {
    let passphrase = "copper lantern orbit meadow"
    var app: XCUIApplication!

    override func setUp() {
        continueAfterFailure = false
        app = XCUIApplication()
        app.launchEnvironment["SCANPASS_UITEST_FRESH"] = "1"
    }

    private func createVault() {
        let field = app.secureTextFields.element(boundBy: 0)
        XCTAssertTrue(field.waitForExistence(timeout: 20))
        // a weak passphrase: the core refuses it by field
        field.tap()
        field.typeText("blue harbour")
        app.secureTextFields.element(boundBy: 1).tap()
        app.secureTextFields.element(boundBy: 1).typeText("blue harbour")
        app.buttons.matching(NSPredicate(format: "label BEGINSWITH %@", "Create")).firstMatch.tap()
        XCTAssertTrue(app.staticTexts.matching(NSPredicate(format: "label CONTAINS %@", "too easy to guess"))
            .firstMatch.waitForExistence(timeout: 10))
        field.tap()
        field.typeText(passphrase)
        app.secureTextFields.element(boundBy: 1).tap()
        app.secureTextFields.element(boundBy: 1).typeText(passphrase)
        app.buttons.matching(NSPredicate(format: "label BEGINSWITH %@", "Create")).firstMatch.tap()
        XCTAssertTrue(app.navigationBars["Scanpass"].waitForExistence(timeout: 20))
    }

    @MainActor
    func testCreateLockWrongPassphraseUnlock() throws {
        app.launch()
        createVault()
        // the library's empty text, in the core's words
        XCTAssertTrue(app.staticTexts.matching(NSPredicate(format: "label BEGINSWITH %@", "No images yet."))
            .firstMatch.waitForExistence(timeout: 10))
        // lock from the menu (the core's lock label)
        app.buttons["Settings"].tap()
        app.buttons.matching(NSPredicate(format: "label BEGINSWITH %@", "Lock")).firstMatch.tap()
        let field = app.secureTextFields.element(boundBy: 0)
        XCTAssertTrue(field.waitForExistence(timeout: 10))
        field.tap()
        field.typeText("wrong horse")
        app.buttons.matching(NSPredicate(format: "label BEGINSWITH %@", "Unlock")).firstMatch.tap()
        // the attempts left, as the core words them
        XCTAssertTrue(app.staticTexts.matching(NSPredicate(format: "label CONTAINS %@", "4"))
            .firstMatch.waitForExistence(timeout: 10))
        field.tap()
        field.typeText(passphrase)
        app.buttons.matching(NSPredicate(format: "label BEGINSWITH %@", "Unlock")).firstMatch.tap()
        XCTAssertTrue(app.navigationBars["Scanpass"].waitForExistence(timeout: 20))
    }

    @MainActor
    func testReceiveRefusesASentence() throws {
        app.launch()
        createVault()
        app.buttons["Settings"].tap()
        app.buttons["Receive a link"].tap()
        let link = app.textFields.firstMatch
        XCTAssertTrue(link.waitForExistence(timeout: 10))
        link.tap()
        link.typeText("see you tomorrow")
        XCTAssertTrue(app.staticTexts["This is not a Scanpass link, or it was cut when copied. Copy the whole link again."]
            .waitForExistence(timeout: 10))
    }

    @MainActor
    func testWizardRefusesNextWithoutTheLaw() throws {
        app.launch()
        createVault()
        app.buttons["Settings"].tap()
        app.buttons["Request your images"].tap()
        app.buttons["Request your images"].firstMatch.tap()
        XCTAssertTrue(app.staticTexts["Step 1 of 7"].waitForExistence(timeout: 10))
        app.buttons["Next"].tap()
        XCTAssertTrue(app.staticTexts["is required"].waitForExistence(timeout: 10))
    }

    @MainActor
    func testViewerScrollWindowAndAppointment() throws {
        guard let samples = ProcessInfo.processInfo.environment["SCANPASS_SAMPLES"] else {
            throw XCTSkip("SCANPASS_SAMPLES (the Mac's ../shared/dicom-samples) is not set")
        }
        app.launchEnvironment["SCANPASS_UITEST_IMPORT"] = samples + "/SAG-anon"
        app.launch()
        createVault()
        let study = app.buttons.matching(NSPredicate(format: "label CONTAINS %@", "MR-Brain w/o Contrast")).firstMatch
        XCTAssertTrue(study.waitForExistence(timeout: 120))
        study.tap()
        XCTAssertTrue(app.navigationBars["Slice 1 of 192"].waitForExistence(timeout: 20))
        // one-finger drag down: the core turns the distance into slices
        let image = app.otherElements["Slice 1 of 192"].firstMatch
        image.press(forDuration: 0.05, thenDragTo: app.windows.firstMatch.coordinate(withNormalizedOffset: CGVector(dx: 0.5, dy: 0.9)))
        XCTAssertFalse(app.navigationBars["Slice 1 of 192"].exists)
        // appointment mode: back to the library, show the study to a doctor; the library is gone
        app.navigationBars.buttons.element(boundBy: 0).tap()
        study.press(forDuration: 1.0)
        app.buttons["Show a doctor"].tap()
        XCTAssertFalse(app.navigationBars["Scanpass"].waitForExistence(timeout: 3))
        XCTAssertTrue(app.staticTexts.matching(NSPredicate(format: "label CONTAINS %@", "Guided Access"))
            .firstMatch.exists)
    }
}
