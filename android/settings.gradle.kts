// The Scanpass Android app: one module, `app`. Open this folder in Android Studio after running
// scripts/build-android (it writes the Rust libraries into app/src/main/jniLibs and the uniffi
// Kotlin bindings into app/src/main/java). See README.md.
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}
dependencyResolutionManagement {
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        google()
        mavenCentral()
        // the Kotlin half of rustls-platform-verifier (the core's certificate check on Android,
        // uniffi/src/platform_tls.rs) is published only in its project's own Maven repository
        maven {
            url = uri("https://github.com/rustls/rustls-platform-verifier/raw/maven-archive/android-release-support/maven/")
            content { includeGroup("rustls") }
        }
    }
}
rootProject.name = "Scanpass"
include(":app")
