//! Android's certificate verifier for the core's HTTPS client.
//!
//! `rustls-platform-verifier` asks Android's own trust store (with the user's and the device
//! administrator's certificates, and revocation) through the JVM, so it needs the app's context
//! before the first connection. The app calls `PlatformTls.init(context)` once at start
//! (`android/app/src/main/kotlin/app/scanpass/android/platform/PlatformTls.kt`), which lands
//! here, a plain JNI entry: uniffi's calls go through JNA and cannot carry a JNI environment.
//! Until it has run, the core refuses every HTTPS client with a sentence saying so
//! (`scanpass_core::net`), rather than trusting no certificate or panicking in the verifier.
//! A failure here throws a `RuntimeException` in the app: loud, at start.
//!
//! The host build keeps the same JNI entry, so the app's tests (Robolectric on the JVM) call it
//! with a real Android context: it checks what the device's initialisation reads first (the
//! context's class loader) and, having no verifier to set up on a desktop, only says the core may
//! go on. The call into `rustls-platform-verifier` itself compiles for Android only and is not
//! built or run here (no Android NDK on this machine).

use jni::objects::{JClass, JObject};
use jni::EnvUnowned;

/// `app.scanpass.android.platform.PlatformTls.nativeInit(Context)`, a static native method.
#[allow(unsafe_code)] // a JNI entry needs an unmangled exported symbol; its body is safe code
#[unsafe(no_mangle)]
pub extern "system" fn Java_app_scanpass_android_platform_PlatformTls_nativeInit<'caller>(
    mut unowned_env: EnvUnowned<'caller>,
    _class: JClass<'caller>,
    context: JObject<'caller>,
) {
    unowned_env
        .with_env(|env| -> Result<(), jni::errors::Error> {
            if context.is_null() {
                return Err(jni::errors::Error::NullPtr("PlatformTls.init: context"));
            }
            #[cfg(target_os = "android")]
            rustls_platform_verifier::android::init_with_env(env, context)?;
            #[cfg(not(target_os = "android"))]
            {
                // what the Android initialisation reads first: a context without a class loader
                // fails here as it would there
                env.call_method(
                    &context,
                    jni::jni_str!("getClassLoader"),
                    jni::jni_sig!(() -> java.lang.ClassLoader),
                    &[],
                )?
                .l()?;
            }
            scanpass_core::net::platform_tls_initialised();
            Ok(())
        })
        .resolve::<jni::errors::ThrowRuntimeExAndDefault>()
}
