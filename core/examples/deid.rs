//! De-identify one DICOM file: `cargo run --release --example deid -- PRESET IN OUT`
//! (PRESET: `research` or `second-opinion`). Used by `tests/deid/run`.

use scanpass_core::deid::{burned_in_risk, deidentify_bytes, Preset, Session};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [preset, input, output] = args.as_slice() else {
        eprintln!("usage: deid PRESET IN OUT   (PRESET: research | second-opinion)");
        std::process::exit(2);
    };
    let Some(preset) = Preset::from_name(preset) else {
        eprintln!("unknown preset {preset}: research | second-opinion");
        std::process::exit(2);
    };
    let run = || -> scanpass_core::Result<()> {
        let bytes = std::fs::read(input).map_err(|source| scanpass_core::Error::Io {
            what: "the input file",
            source,
        })?;
        if let Ok(obj) =
            scanpass_core::dicom::parse(&bytes, scanpass_core::dicom::ReadDepth::HeaderOnly)
        {
            if let Some(reason) = burned_in_risk(&obj) {
                eprintln!("warning: pixels may carry identifying text ({reason:?})");
            }
        }
        let mut session = Session::for_preset(preset);
        let out = deidentify_bytes(&mut session, &bytes)?;
        std::fs::write(output, out).map_err(|source| scanpass_core::Error::Io {
            what: "the output file",
            source,
        })
    };
    if let Err(e) = run() {
        eprintln!("deid: {e}");
        std::process::exit(1);
    }
}
