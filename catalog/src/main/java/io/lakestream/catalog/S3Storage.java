package io.lakestream.catalog;

import io.lakestream.core.error.PipelineException;
import io.lakestream.core.storage.RemoteStorage;
import io.lakestream.core.storage.RemoteStorageFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.aws.s3.S3FileIO;
import org.apache.iceberg.io.BulkDeletionFailureException;
import org.apache.iceberg.io.FileInfo;

/**
 * Checkpoint storage in S3 and S3-compatible servers through Iceberg's {@link S3FileIO}: the same
 * client, properties ({@code s3.endpoint}, {@code s3.path-style-access}, {@code client.region},
 * {@code s3.access-key-id}, ...) and credential chain as tables in an S3 warehouse.
 */
public final class S3Storage implements RemoteStorage {
  private final String root;
  private final S3FileIO io;

  private S3Storage(String root, S3FileIO io) {
    this.root = root;
    this.io = io;
  }

  /** The factory {@link java.util.ServiceLoader} finds for {@code s3://} checkpoint directories. */
  public static final class Factory implements RemoteStorageFactory {
    @Override
    public Set<String> schemes() {
      return Set.of("s3", "s3a", "s3n");
    }

    @Override
    public RemoteStorage open(URI root, Map<String, String> properties) {
      S3FileIO io = new S3FileIO();
      try {
        io.initialize(new HashMap<>(properties));
      } catch (RuntimeException e) {
        io.close();
        throw new PipelineException(
            "Cannot open S3 storage for " + root + ": " + e.getMessage() + " (checkpoint.storage)",
            e);
      }
      return new S3Storage(root.toString().replaceAll("/+$", ""), io);
    }
  }

  @Override
  public Map<String, Long> list() throws IOException {
    Map<String, Long> files = new HashMap<>();
    String prefix = root + "/";
    try {
      for (FileInfo f : io.listPrefix(prefix)) {
        files.put(f.location().substring(prefix.length()), f.size());
      }
    } catch (RuntimeException e) {
      throw new IOException("Cannot list " + prefix + ": " + e.getMessage(), e);
    }
    return files;
  }

  @Override
  public void upload(Path source, String name) throws IOException {
    try (InputStream in = Files.newInputStream(source);
        OutputStream out = io.newOutputFile(location(name)).createOrOverwrite()) {
      in.transferTo(out);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    } catch (RuntimeException e) {
      throw new IOException("Cannot upload " + source + " to " + location(name), e);
    }
  }

  @Override
  public void download(String name, Path target) throws IOException {
    try (InputStream in = io.newInputFile(location(name)).newStream()) {
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    } catch (RuntimeException e) {
      throw new IOException("Cannot download " + location(name) + " to " + target, e);
    }
  }

  @Override
  public void delete(Collection<String> names) throws IOException {
    try {
      io.deleteFiles(names.stream().map(this::location).toList());
    } catch (BulkDeletionFailureException | UncheckedIOException e) {
      throw new IOException("Cannot delete files below " + root + ": " + e.getMessage(), e);
    }
  }

  private String location(String name) {
    return root + "/" + name;
  }

  @Override
  public String location() {
    return root;
  }

  @Override
  public void close() {
    io.close();
  }
}
