//! `scanpass`: the command-line shell over scanpass-core. It parses arguments, calls the core and
//! prints; it decides nothing itself. The command contract is documented in README.md.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{Args, Parser, Subcommand};
use scanpass_core::dicom::{self, ImageInfo, ReadDepth};
use scanpass_core::render::{self, Voi};
use serde_json::json;

#[derive(Parser)]
#[command(
    name = "scanpass",
    version,
    about = "Own, carry, show and share your medical images"
)]
struct Cli {
    /// The vault folder (default: the OS's data folder, e.g. ~/.local/share/scanpass/vault).
    #[arg(long, global = true, env = "SCANPASS_VAULT")]
    vault: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Describe a DICOM file: patient, study, series, instance, syntax, geometry, windows.
    Inspect {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Write one frame's stored pixel values (before any LUT) as raw little-endian samples.
    Decode {
        file: PathBuf,
        #[arg(long, default_value_t = 0)]
        frame: u32,
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Render one frame for display to a PNG: `render FILE` or `render SERIES INDEX` from the
    /// vault (the study id may come first: `render STUDY SERIES INDEX`).
    Render {
        #[arg(num_args = 1..=3, required = true)]
        target: Vec<String>,
        #[arg(long, default_value_t = 0)]
        frame: u32,
        #[command(flatten)]
        voi: VoiArgs,
        /// Write a thumbnail whose longer side is at most this many pixels.
        #[arg(long)]
        thumbnail: Option<u32>,
        /// A PNG; or, when the name ends in `.rgba`, the raw RGBA8 bytes row by row (what the
        /// apps receive), for checksums.
        #[arg(long)]
        out: PathBuf,
    },
    /// The main job on embedded defaults: generate a phantom CT series (or take FILE), render a
    /// slice with its default window and two presets, import it into an encrypted vault in the
    /// output folder and render the middle slice from there, and print where the pictures are.
    Demo {
        file: Option<PathBuf>,
        #[arg(long, default_value = "scanpass-demo")]
        out: PathBuf,
        /// Then share the study through this relay (e.g. a local `scanpass-relay`) and print the
        /// link, with its QR code in OUT/share-qr.png.
        #[arg(long)]
        relay: Option<String>,
        /// The viewer the link opens (a static build of web/ on its own origin; default: the
        /// core's DEFAULT_VIEWER).
        #[arg(long, env = "SCANPASS_VIEWER")]
        viewer: Option<String>,
    },
    /// Import files, folders (CD/USB copies, with or without DICOMDIR), zip archives and provider
    /// links (https://..., a DICOMweb study URL or a link to a zip) into the vault.
    Import {
        #[arg(required = true)]
        sources: Vec<String>,
        /// Send the access token held in this environment variable with links (as a bearer
        /// token; never on the command line, where other users could read it).
        #[arg(long, value_name = "VAR")]
        bearer_env: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// List the studies in the vault.
    Studies {
        #[arg(long)]
        json: bool,
    },
    /// List the series of a study.
    Series {
        study: String,
        #[arg(long)]
        json: bool,
    },
    /// Export a study decrypted as a DICOM File-set (DICOMDIR, DICOM/ folders, README.TXT: the
    /// layout of a hospital CD) into a folder, or into a zip file with --zip. Several study ids:
    /// one file-set holding them all.
    Export {
        #[arg(required = true, num_args = 1..)]
        studies: Vec<String>,
        /// The folder to create, or an existing one without a file-set (a USB stick); with
        /// --zip, the zip file to create.
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        zip: bool,
    },
    /// Delete a study from the vault (its key and files are destroyed).
    Delete { study: String },
    /// Forget the cached vault key: the next command needs SCANPASS_PASSPHRASE.
    Lock,
    /// Check the passphrase and keep the vault key in the desktop key store until `lock`.
    Unlock,
    /// Share a study for a second opinion: encrypted on this device, uploaded to a relay, opened
    /// by a link whose key never reaches the relay. Prints the link.
    Share(share_cmd::ShareArgs),
    /// List your shares.
    Shares {
        #[arg(long)]
        json: bool,
    },
    /// Revoke a share: the relay deletes it and the link stops working.
    Revoke {
        // a share id is base64url: it may begin with '-' (the relay's older ids do)
        #[arg(allow_hyphen_values = true)]
        id: String,
    },
    /// Lift the lock a passcode share got after wrong passcodes (your doctor had the right one
    /// after all): the link opens again at once.
    UnlockShare {
        #[arg(allow_hyphen_values = true)]
        id: String,
    },
    /// When a share was opened.
    AccessLog {
        #[arg(allow_hyphen_values = true)]
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Open a share link and import its images into the vault. The link is read from standard
    /// input (one line) or from the environment variable given with --link-env, never from the
    /// command line: it holds the key, and a command line shows in the process list and the
    /// shell's history.
    Receive {
        /// Refused with a reason (see above); kept so that the reason is said.
        #[arg(hide = true)]
        link: Option<String>,
        /// The link, read from this environment variable (default: standard input).
        #[arg(long)]
        link_env: Option<String>,
        /// The passcode, read from this environment variable.
        #[arg(long)]
        passcode_env: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Check that a viewer origin serves exactly the browser viewer this build pins (every file's
    /// SHA-256); exits non-zero naming the first file that differs.
    ViewerCheck {
        /// The viewer's base address (default: SCANPASS_VIEWER, else the core's DEFAULT_VIEWER).
        #[arg(env = "SCANPASS_VIEWER")]
        url: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Request your images from a provider: the law's deadlines, the letter, the tracking.
    Request {
        #[command(subcommand)]
        command: request_cmd::RequestCommand,
    },
    /// Time decode + render (default window, RGBA8) of the first frame of each file, in-process.
    Bench {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[arg(long, default_value_t = 20)]
        repeat: usize,
        #[arg(long)]
        json: bool,
        /// Decode at the resolution a view of WIDTHxHEIGHT pixels needs (a viewer's first image).
        #[arg(long)]
        view: Option<String>,
    },
    /// Replay a scroll through a viewer session on a series of the vault: forward at --fps,
    /// backward, a jump to the far end, then a fling on a new session; print slices ready per
    /// second, the p50 and p99 wait for a slice, the time from opening to the first slice, and
    /// the fling's waits.
    ScrollBench {
        /// The series id (`scanpass series STUDY --json` lists them).
        series: String,
        #[arg(long, default_value_t = 60.0)]
        fps: f64,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
struct VoiArgs {
    /// Window as CENTER,WIDTH in modality units (e.g. Hounsfield units for CT).
    #[arg(long, conflicts_with = "preset", allow_hyphen_values = true)]
    window: Option<String>,
    /// A named preset: ct-brain, ct-lung, ct-bone, ct-abdomen, ... (short names work: brain).
    #[arg(long)]
    preset: Option<String>,
}

impl VoiArgs {
    fn voi(&self) -> scanpass_core::Result<Voi> {
        match (&self.window, &self.preset) {
            (Some(w), _) => Voi::parse_window(w),
            (None, Some(p)) => Voi::preset(p),
            (None, None) => Ok(Voi::Default),
        }
    }
}

mod bench_cmd;
mod demo_cmd;
mod progress;
mod request_cmd;
mod share_cmd;
mod vault_cmd;

pub(crate) type CliResult<T = ()> = Result<T, String>;

fn main() -> ExitCode {
    // A panic is a bug; if one happens anyway, report it on one line rather than a backtrace.
    std::panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        eprintln!(
            "internal error (please report): {}",
            msg.lines().next().unwrap_or("")
        );
    }));
    let cli = Cli::parse();
    let result = std::panic::catch_unwind(|| run(cli));
    match result {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(msg)) => {
            eprintln!("{}", msg.lines().next().unwrap_or("error"));
            ExitCode::FAILURE
        }
        Err(_) => ExitCode::from(70),
    }
}

fn run(cli: Cli) -> CliResult {
    match cli.command {
        Command::Inspect { file, json } => inspect(&file, json),
        Command::Decode {
            file,
            frame,
            out,
            json,
        } => decode(&file, frame, &out, json),
        Command::Render {
            target,
            frame,
            voi,
            thumbnail,
            out,
        } => {
            let voi = voi.voi().map_err(err)?;
            if target.len() > 1 {
                let dir = vault_cmd::vault_dir(cli.vault)?;
                let (series, index) = (&target[target.len() - 2], &target[target.len() - 1]);
                return vault_cmd::render(&dir, series, index, frame, &voi, &out, thumbnail);
            }
            let file = PathBuf::from(&target[0]);
            let (_, image, _) = scanpass_core::render_file(&file, frame, &voi).map_err(err)?;
            let image = match thumbnail {
                Some(px) => render::thumbnail(&image, px),
                None => image,
            };
            write(&out, &encode_image(&out, image)?)
        }
        Command::Bench {
            files,
            repeat,
            json,
            view,
        } => {
            let view = view.as_deref().map(bench_cmd::parse_view).transpose()?;
            bench_cmd::bench(&files, repeat.max(1), json, view)
        }
        Command::ScrollBench { series, fps, json } => {
            bench_cmd::scroll_bench(&vault_cmd::vault_dir(cli.vault)?, &series, fps, json)
        }
        Command::Demo {
            file,
            out,
            relay,
            viewer,
        } => demo_cmd::demo(file, &out, relay.as_deref(), viewer),
        Command::ViewerCheck { url, json } => share_cmd::viewer_check(url, json),
        Command::Import {
            sources,
            bearer_env,
            json,
        } => vault_cmd::import(
            &vault_cmd::vault_dir(cli.vault)?,
            &sources,
            bearer_env.as_deref(),
            json,
        ),
        Command::Studies { json } => vault_cmd::studies(&vault_cmd::vault_dir(cli.vault)?, json),
        Command::Series { study, json } => {
            vault_cmd::series(&vault_cmd::vault_dir(cli.vault)?, &study, json)
        }
        Command::Export { studies, out, zip } => {
            vault_cmd::export(&vault_cmd::vault_dir(cli.vault)?, &studies, &out, zip)
        }
        Command::Delete { study } => vault_cmd::delete(&vault_cmd::vault_dir(cli.vault)?, &study),
        Command::Lock => vault_cmd::lock(&vault_cmd::vault_dir(cli.vault)?),
        Command::Unlock => vault_cmd::unlock(&vault_cmd::vault_dir(cli.vault)?),
        Command::Request { command } => request_cmd::run(cli.vault, command),
        Command::Share(a) => share_cmd::share(&vault_cmd::vault_dir(cli.vault)?, &a),
        Command::Shares { json } => share_cmd::shares(&vault_cmd::vault_dir(cli.vault)?, json),
        Command::Revoke { id } => share_cmd::revoke(&vault_cmd::vault_dir(cli.vault)?, &id),
        Command::UnlockShare { id } => share_cmd::unlock(&vault_cmd::vault_dir(cli.vault)?, &id),
        Command::AccessLog { id, json } => {
            share_cmd::access_log(&vault_cmd::vault_dir(cli.vault)?, &id, json)
        }
        Command::Receive {
            link,
            link_env,
            passcode_env,
            json,
        } => share_cmd::receive(
            &vault_cmd::vault_dir(cli.vault)?,
            link.is_some(),
            link_env.as_deref(),
            passcode_env.as_deref(),
            json,
        ),
    }
}

pub(crate) fn err(e: scanpass_core::Error) -> String {
    e.to_string()
}

pub(crate) fn write(path: &Path, bytes: &[u8]) -> CliResult {
    std::fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

pub(crate) fn inspect(file: &Path, as_json: bool) -> CliResult {
    let obj = dicom::open(file, ReadDepth::HeaderOnly).map_err(err)?;
    let s = dicom::summary(&obj);
    let ts = dicom::SyntaxName::of(obj.meta().transfer_syntax());
    let image = ImageInfo::describe(&obj).map_err(err)?;
    if as_json {
        let v = json!({
            "patient": {"name": s.patient_name, "id": s.patient_id, "birth_date": s.patient_birth_date, "sex": s.patient_sex},
            "study": {"instance_uid": s.study_instance_uid, "date": s.study_date, "description": s.study_description, "accession_number": s.accession_number},
            "series": {"instance_uid": s.series_instance_uid, "number": s.series_number, "modality": s.modality, "description": s.series_description, "body_part": s.body_part},
            "instance": {"sop_class_uid": s.sop_class_uid, "sop_instance_uid": s.sop_instance_uid, "number": s.instance_number, "image_position_patient": s.image_position_patient, "slice_location": s.slice_location},
            "transfer_syntax": ts,
            "image": image.as_ref().map(|i| json!({
                "rows": i.rows, "cols": i.cols, "frames": i.frames, "samples": i.samples_per_pixel,
                "bits_allocated": i.bits_allocated, "bits_stored": i.bits_stored, "high_bit": i.high_bit,
                "signed": i.signed, "dtype": i.sample_type.numpy(), "photometric": i.photometric.as_str(),
                "planar_configuration": i.planar_configuration, "pixel_spacing": i.pixel_spacing,
                "rescale": i.transforms.rescale, "modality_lut": i.transforms.modality_lut.is_some(),
                "windows": i.transforms.windows, "voi_luts": i.transforms.voi_luts.len(),
                "voi_function": i.transforms.voi_function,
            })),
        });
        println!(
            "{}",
            serde_json::to_string_pretty(&v).map_err(|e| e.to_string())?
        );
        return Ok(());
    }
    let o = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    println!(
        "Patient      {} (ID {}, born {}, sex {})",
        o(&s.patient_name),
        o(&s.patient_id),
        o(&s.patient_birth_date),
        o(&s.patient_sex)
    );
    println!(
        "Study        {} {} [{}]",
        o(&s.study_date),
        o(&s.study_description),
        o(&s.study_instance_uid)
    );
    println!(
        "Series       #{} {} {} [{}]",
        s.series_number.map(|n| n.to_string()).unwrap_or("-".into()),
        o(&s.modality),
        o(&s.series_description),
        o(&s.series_instance_uid)
    );
    println!(
        "Instance     #{} [{}]",
        s.instance_number
            .map(|n| n.to_string())
            .unwrap_or("-".into()),
        o(&s.sop_instance_uid)
    );
    println!("Syntax       {} ({})", ts.uid, ts.name);
    match image {
        Some(i) => {
            println!(
                "Image        {} x {} (cols x rows), {} frame(s), {} sample(s), {} {}",
                i.cols,
                i.rows,
                i.frames,
                i.samples_per_pixel,
                i.photometric.as_str(),
                i.sample_type.numpy()
            );
            println!(
                "Bits         allocated {}, stored {}, high bit {}, {}",
                i.bits_allocated,
                i.bits_stored,
                i.high_bit,
                if i.signed { "signed" } else { "unsigned" }
            );
            if let Some(r) = i.transforms.rescale {
                println!("Rescale      slope {} intercept {}", r.slope, r.intercept);
            }
            if i.transforms.modality_lut.is_some() {
                println!("Modality LUT yes");
            }
            for w in &i.transforms.windows {
                println!(
                    "Window       C {} W {}{}",
                    w.center,
                    w.width,
                    w.explanation
                        .as_ref()
                        .map(|e| format!(" ({e})"))
                        .unwrap_or_default()
                );
            }
            if !i.transforms.voi_luts.is_empty() {
                println!("VOI LUTs     {}", i.transforms.voi_luts.len());
            }
        }
        None => println!("Image        none (no pixel data)"),
    }
    Ok(())
}

/// The bytes to write for a rendered image: raw RGBA8 for a `.rgba` file, else PNG.
pub(crate) fn encode_image(out: &Path, image: render::Image) -> CliResult<Vec<u8>> {
    if out
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("rgba"))
    {
        Ok(image.rgba)
    } else {
        render::encode_png(&image).map_err(err)
    }
}

fn decode(file: &Path, frame: u32, out: &Path, as_json: bool) -> CliResult {
    let img = dicom::DicomImage::open(file).map_err(err)?;
    let f = img.decode_frame(frame).map_err(err)?;
    let info = img.info().map_err(err)?;
    write(out, &f.samples.to_le_bytes())?;
    if as_json {
        println!(
            "{}",
            json!({"rows": f.rows, "cols": f.cols, "samples": f.samples_per_pixel,
                   "dtype": f.samples.sample_type().numpy(), "frame": frame, "frames": info.frames})
        );
    }
    Ok(())
}
