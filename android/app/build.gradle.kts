// The Scanpass app: a thin Jetpack Compose shell over the Rust core's screen models.
//
// Before the first build: scripts/build-android (Rust libraries for arm64-v8a, armeabi-v7a and
// x86_64 into src/main/jniLibs, and the uniffi Kotlin bindings, package app.scanpass.ffi, into
// src/main/java; both are build output, ignored by git).
//
// Dependency versions: equal to android/deps/pom.xml, whose resolved list
// (android/deps/resolved.txt) is what tests/android/run compiles and tests with here.
plugins {
    id("com.android.application")
    id("org.jetbrains.kotlin.plugin.compose")
}

android {
    namespace = "app.scanpass.android"
    compileSdk = 35

    defaultConfig {
        applicationId = "app.scanpass"
        minSdk = 26
        targetSdk = 35
        versionCode = 1
        versionName = "0.1.0"
    }

    buildTypes {
        release {
            isMinifyEnabled = true
            // JNA and the uniffi bindings are reached by reflection
            proguardFiles(getDefaultProguardFile("proguard-android-optimize.txt"), "proguard-rules.pro")
        }
    }
    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
    buildFeatures {
        compose = true
    }
    testOptions {
        unitTests {
            // Robolectric reads the merged resources (tests/android/run writes the same
            // test_config.properties by hand)
            isIncludeAndroidResources = true
            all {
                it.systemProperty("robolectric.graphicsMode", "NATIVE")
                // the host build of the core for the JVM tests (JNA loads it by name)
                it.systemProperty("jna.library.path", rootProject.file("../target/release").path)
                it.systemProperty("scanpass.samples", rootProject.file("../../shared/dicom-samples").path)
                it.systemProperty("scanpass.out", layout.buildDirectory.dir("android-test").get().asFile.path)
                // the Android-flavour bindings free Rust objects through android.system.SystemCleaner,
                // which Robolectric implements over the JDK's internal cleaner
                it.jvmArgs(
                    "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
                    "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
                    // Robolectric's ParcelFileDescriptor (the import's documents provider test)
                    "--add-opens=java.base/java.io=ALL-UNNAMED",
                )
            }
        }
    }
    packaging {
        jniLibs.useLegacyPackaging = false
    }
}

kotlin {
    jvmToolchain(17)
}

dependencies {
    val composeBom = platform("androidx.compose:compose-bom:2026.09.00")
    implementation(composeBom)
    implementation("androidx.compose.ui:ui")
    implementation("androidx.compose.foundation:foundation")
    implementation("androidx.compose.material3:material3")
    implementation("androidx.activity:activity-compose:1.13.0")
    implementation("androidx.lifecycle:lifecycle-runtime-compose:2.9.4")
    implementation("org.jetbrains.kotlinx:kotlinx-coroutines-android:1.9.0")
    // BiometricPrompt with the Keystore cipher as its CryptoObject (MainActivity is a FragmentActivity)
    implementation("androidx.biometric:biometric:1.1.0")
    // biometric brings fragment 1.2.5, whose FragmentActivity refuses the ActivityResult request codes
    implementation("androidx.fragment:fragment:1.6.2")
    // the uniffi bindings call the core through JNA: its AAR carries JNA's own Android libraries
    implementation("net.java.dev.jna:jna:5.19.1@aar")
    // the Kotlin half of rustls-platform-verifier, which the core's TLS calls through JNI: its
    // version must be the one of the crate rustls-platform-verifier-android in Cargo.lock
    implementation("rustls:rustls-platform-verifier:${cargoLockVersion("rustls-platform-verifier-android")}")
    // the share link's QR code (drawn) and QR scanning (decoded from camera frames)
    implementation("com.google.zxing:core:3.5.3")

    testImplementation(composeBom)
    testImplementation("androidx.compose.ui:ui-test-junit4")
    testImplementation("androidx.compose.ui:ui-test-manifest")
    testImplementation("org.robolectric:robolectric:4.17")
    testImplementation("junit:junit:4.13.2")
    // the unit tests run on the JVM against the host build of the core: JNA's jar, not its AAR
    testImplementation("net.java.dev.jna:jna:5.19.1")
}

/** The version Cargo.lock (the workspace's, two folders up) pins for a crate. */
fun cargoLockVersion(crate: String): String {
    val lines = rootDir.resolve("../Cargo.lock").readLines()
    val at = lines.indexOfFirst { it.trim() == "name = \"$crate\"" }
    check(at >= 0) { "$crate is not in Cargo.lock" }
    return lines[at + 1].trim().removePrefix("version = \"").removeSuffix("\"")
}
