//! The app's log: a [`Logger`] the app implements (Android `Log`, Apple `os_log`), installed with
//! [`set_logger`] and fed from the `log` facade. What reaches it: the errors an app cannot act on
//! (storage, integrity, key store, internal), mapped in `error.rs`, and the files an import could
//! not store, by the core's message only. None of it names a patient, a study, a file or a link:
//! the core's messages never carry them (`scanpass_core::error`), and file paths are left out
//! here (a folder can be named after its patient).

use std::sync::{Arc, Once, RwLock};

/// How serious a line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum LogLevel {
    Error,
    Warn,
    Info,
    Debug,
}

/// The app's log. Called on the thread that logs, never the app's main thread on purpose; must
/// not block for long.
#[uniffi::export(with_foreign)]
pub trait Logger: Send + Sync {
    fn log(&self, level: LogLevel, target: String, message: String);
}

static LOGGER: RwLock<Option<Arc<dyn Logger>>> = RwLock::new(None);

struct Facade;

static FACADE: Facade = Facade;

impl ::log::Log for Facade {
    fn enabled(&self, metadata: &::log::Metadata) -> bool {
        metadata.level() <= ::log::Level::Info
            && LOGGER.read().map(|l| l.is_some()).unwrap_or(false)
    }

    fn log(&self, record: &::log::Record) {
        if !self.enabled(record.metadata()) {
            return;
        }
        let logger = LOGGER.read().ok().and_then(|l| l.clone());
        if let Some(logger) = logger {
            let level = match record.level() {
                ::log::Level::Error => LogLevel::Error,
                ::log::Level::Warn => LogLevel::Warn,
                ::log::Level::Info => LogLevel::Info,
                _ => LogLevel::Debug,
            };
            logger.log(
                level,
                record.target().to_string(),
                record.args().to_string(),
            );
        }
    }

    fn flush(&self) {}
}

/// Send Scanpass's log lines to `logger` (none: stop). The first call installs the `log`
/// facade's logger for this process; if the app's process already installed another one, lines
/// go to that one instead.
#[uniffi::export]
pub fn set_logger(logger: Option<Arc<dyn Logger>>) {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        if ::log::set_logger(&FACADE).is_ok() {
            ::log::set_max_level(::log::LevelFilter::Info);
        }
    });
    *LOGGER.write().unwrap_or_else(|p| p.into_inner()) = logger;
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::sync::Mutex;

    use super::*;
    use crate::import::ImportSource;
    use crate::{passphrase_key_store, CancelHandle, Vault};

    struct Lines(Mutex<Vec<String>>);

    impl Logger for Lines {
        fn log(&self, level: LogLevel, target: String, message: String) {
            self.0
                .lock()
                .unwrap()
                .push(format!("{level:?} {target} {message}"));
        }
    }

    #[test]
    fn a_failing_import_of_a_real_file_logs_no_patient_data() {
        let sample = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared/dicom-samples/pydicom/CT_small.dcm");
        let Ok(bytes) = std::fs::read(&sample) else {
            eprintln!("SKIPPED: {} is absent", sample.display());
            return;
        };
        // the header cut after the patient's name and ID: the file cannot be stored
        let dir = std::env::temp_dir().join(format!("sp-ffi-log-{}", std::process::id()));
        let cd = dir.join("CompressedSamples CT1");
        std::fs::create_dir_all(&cd).unwrap();
        let file = cd.join("IM0001");
        std::fs::write(&file, &bytes[..1000]).unwrap();

        let lines = Arc::new(Lines(Mutex::new(Vec::new())));
        set_logger(Some(lines.clone()));
        let vdir = dir.join("vault").display().to_string();
        let vault = Vault::create(vdir.clone(), passphrase_key_store(vdir, "pw".into())).unwrap();
        let s = vault
            .import_from(
                vec![ImportSource::Path {
                    path: cd.display().to_string(),
                }],
                None,
                CancelHandle::new(),
            )
            .unwrap();
        assert_eq!(s.instances_added, 0);
        assert_eq!(s.errors.len(), 1, "{s:?}");
        // an error the app cannot act on reaches the log too, by its message only
        let _ = ScanpassErrorProbe::storage();
        set_logger(None);
        let lines = lines.0.lock().unwrap().clone();
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("Warn scanpass::import a file was not stored")),
            "{lines:?}"
        );
        assert!(
            lines
                .iter()
                .any(|l| l == "Error scanpass Storage: storage error: disk full"),
            "{lines:?}"
        );
        for line in &lines {
            for secret in ["CompressedSamples", "CT1", "1CT1", "IM0001", "sp-ffi-log"] {
                assert!(!line.contains(secret), "{secret} in the log: {line}");
            }
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A storage failure mapped as the FFI maps every error.
    struct ScanpassErrorProbe;

    impl ScanpassErrorProbe {
        fn storage() -> crate::ScanpassError {
            scanpass_core::Error::Storage("disk full".into()).into()
        }
    }
}
