// Versions: kept equal to android/deps/pom.xml, from which android/deps/resolve writes the lock
// list (android/deps/resolved.txt) that tests/android/run builds and tests against on machines
// without Gradle. Change a version in both places.
plugins {
    id("com.android.application") version "9.5.1" apply false
    id("org.jetbrains.kotlin.plugin.compose") version "2.4.20" apply false
}
