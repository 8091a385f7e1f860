package io.lakestream.core.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Remote storage in a local directory, for tests: it records the order of uploads and deletions so
 * that tests can check what a crash at any point would leave.
 */
final class DirectoryStorage implements RemoteStorage {
  private final Path root;
  final List<String> uploads = new ArrayList<>();
  final List<String> deletions = new ArrayList<>();

  DirectoryStorage(Path root) {
    this.root = root;
  }

  @Override
  public Map<String, Long> list() throws IOException {
    Map<String, Long> files = new HashMap<>();
    if (!Files.isDirectory(root)) {
      return files;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        files.put(root.relativize(p).toString(), Files.size(p));
      }
    }
    return files;
  }

  @Override
  public void upload(Path source, String name) throws IOException {
    Path target = root.resolve(name);
    Files.createDirectories(target.getParent());
    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
    uploads.add(name);
  }

  @Override
  public void download(String name, Path target) throws IOException {
    Files.copy(root.resolve(name), target, StandardCopyOption.REPLACE_EXISTING);
  }

  @Override
  public void delete(Collection<String> names) throws IOException {
    for (String name : names) {
      Files.deleteIfExists(root.resolve(name));
      deletions.add(name);
    }
  }

  @Override
  public String location() {
    return root.toUri().toString();
  }

  @Override
  public void close() {}
}
