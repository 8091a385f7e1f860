package io.lakestream.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How {@link TrinoServer} finds a JDK for Trino, and what it says when there is none. */
class TrinoServerTest {
  @TempDir Path jvms;

  private Path jdk(String name, String version) throws IOException {
    Path home = Files.createDirectories(jvms.resolve(name));
    Files.writeString(home.resolve("release"), "JAVA_VERSION=\"" + version + "\"\n");
    Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
    Files.writeString(java, "");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    return home;
  }

  @Test
  void theNewestJdkOfAtLeastTheMinimumIsChosen() throws Exception {
    jdk("java-17-openjdk-amd64", "17.0.15");
    jdk("temurin-24-jdk-amd64", "24.0.2");
    Path newest = jdk("temurin-25-jdk-amd64", "25.0.3");
    jdk("temurin-24-ga", "24");

    assertThat(TrinoServer.javaHome(null, jvms)).isEqualTo(newest);
  }

  @Test
  void withoutASuitableJdkTheMessageSaysWhatIsThereAndWhatToDo() throws Exception {
    jdk("java-17-openjdk-amd64", "17.0.15");
    jdk("temurin-24-ga", "24");

    assertThatThrownBy(() -> TrinoServer.javaHome(" ", jvms))
        .isInstanceOf(IOException.class)
        .hasMessage(
            "No JDK 24.0.1 or later for the Trino server: TRINO_JAVA_HOME is not set and "
                + jvms
                + " holds java-17-openjdk-amd64 (17.0.15), temurin-24-ga (24). Install one"
                + " (e.g. Temurin 25 under /usr/lib/jvm) or set TRINO_JAVA_HOME to it; lakestream"
                + " itself still runs on Java 17");
  }

  @Test
  void trinoJavaHomeWinsAndMustBeNewEnough() throws Exception {
    Path old = jdk("java-17-openjdk-amd64", "17.0.15");
    Path chosen = jdk("custom", "24.0.1");
    jdk("temurin-25-jdk-amd64", "25.0.3");

    assertThat(TrinoServer.javaHome(chosen.toString(), jvms)).isEqualTo(chosen);
    assertThatThrownBy(() -> TrinoServer.javaHome(old.toString(), jvms))
        .hasMessage(
            "TRINO_JAVA_HOME is "
                + old
                + ", a JDK of version 17.0.15; Trino needs 24.0.1 or later");
  }
}
