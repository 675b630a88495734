package dev.bulwark.js;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.DirectoryStream;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.util.Map;
import java.util.Set;
import org.graalvm.polyglot.io.FileSystem;

/**
 * What a worker script may read: the modules in its own directory tree, read-only, and nothing else. This is how
 * relative {@code import}s resolve; scripts have no file API of their own.
 */
final class ScriptFileSystem implements FileSystem {
  private final FileSystem delegate = FileSystem.newReadOnlyFileSystem(FileSystem.newDefaultFileSystem());
  private final Path root;

  ScriptFileSystem(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  private Path inside(Path path) {
    Path p = root.resolve(path).normalize();
    if (!p.startsWith(root)) {
      throw new SecurityException("worker scripts may only import modules under " + root + ", not " + path);
    }
    return p;
  }

  @Override
  public Path parsePath(URI uri) {
    return delegate.parsePath(uri);
  }

  @Override
  public Path parsePath(String path) {
    return delegate.parsePath(path);
  }

  @Override
  public void checkAccess(Path path, Set<? extends AccessMode> modes, LinkOption... linkOptions) throws IOException {
    delegate.checkAccess(inside(path), modes, linkOptions);
  }

  @Override
  public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
    throw new SecurityException("worker scripts cannot write files");
  }

  @Override
  public void delete(Path path) throws IOException {
    throw new SecurityException("worker scripts cannot write files");
  }

  @Override
  public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
      throws IOException {
    return delegate.newByteChannel(inside(path), options, attrs);
  }

  @Override
  public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter)
      throws IOException {
    return delegate.newDirectoryStream(inside(dir), filter);
  }

  @Override
  public Path toAbsolutePath(Path path) {
    return root.resolve(path);
  }

  @Override
  public Path toRealPath(Path path, LinkOption... linkOptions) throws IOException {
    Path real = delegate.toRealPath(inside(path), linkOptions);
    inside(real);
    return real;
  }

  @Override
  public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options) throws IOException {
    return delegate.readAttributes(inside(path), attributes, options);
  }
}
