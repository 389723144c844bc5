//! Fuzz the records-request answers file (`scanpass request new --answers FILE.json`): a file the
//! user hands in, bytes from outside. From the parse on, everything a valid file leads to runs too:
//! the tracked request, its due dates and reminders, and the letter as text and as PDF.
//!
//! Checked beyond "no panic": a file is either accepted or refused with at least one named field.
//! (That errors name fields and never quote values is checked by tests/request/run on files made
//! for it: a fuzzer easily writes a file that *is* an error message's own words.)
#![no_main]

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use scanpass_core::request::{answers, letter, RequestRecord};

fuzz_target!(|data: &[u8]| {
    let today = NaiveDate::from_ymd_opt(2026, 11, 28).expect("a real date");
    match answers::from_json(data, today) {
        Err(errors) => {
            assert!(!errors.is_empty(), "a refusal names at least one field");
            assert!(errors.iter().all(|e| !e.field.is_empty()), "every error names its field");
        }
        Ok(file) => {
            let record = RequestRecord::new(file.answers.clone(), today);
            let _ = record.due_on();
            let _ = record.reminders();
            let _ = record.status(today);
            let l = letter::request_letter(&file.answers, file.sent_on.unwrap_or(today));
            let _ = l.to_text();
            let _ = l.to_pdf();
        }
    }
});
