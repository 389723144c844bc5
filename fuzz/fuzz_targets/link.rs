//! Fuzz the share-link reader (`scanpass receive LINK`, the apps' "open a link"): text a patient
//! pastes, from outside. Checked beyond "no panic": a link that reads writes back to a text that
//! reads as the same link.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scanpass_core::share::Link;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(link) = Link::parse(text) {
        let again = Link::parse(&link.to_url()).expect("a written link reads back");
        assert_eq!(again, link);
    }
});
