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
    }
}
rootProject.name = "Scanpass"
include(":app")
