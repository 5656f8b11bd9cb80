package dev.discordoo.sharding.cds;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.jspecify.annotations.Nullable;

/**
 * A finished entry of the cache: the extracted jar and the archive made from it. Its marker
 * file, written last, records the archive's size and modification time; an entry whose
 * archive no longer has them (rewritten, truncated, damaged on disk) is not used, because a
 * JVM checks only an archive's header, and one damaged beyond it can crash the JVM that maps
 * it.
 *
 * @param directory the entry's directory
 * @param kind the kind of archive
 * @param appJar the extracted application jar
 * @param archive the archive
 * @param size the archive's size in bytes when it was made
 * @param modified the archive's modification time when it was made, in milliseconds
 * @param springAot whether the jar holds the application processed ahead of time, which
 * children then start with
 */
record CacheEntry(Path directory, ArchiveKind kind, Path appJar, Path archive, long size, long modified,
		boolean springAot) {

	private static final String MARKER = "entry.properties";

	/**
	 * Read the entry of a directory.
	 * @param directory the entry's directory
	 * @param kind the kind of archive the JDK makes
	 * @return the entry, or {@code null} if the directory holds no finished entry of that kind
	 */
	static @Nullable CacheEntry read(Path directory, ArchiveKind kind) {
		Path marker = directory.resolve(MARKER);
		if (!Files.isRegularFile(marker)) {
			return null;
		}
		Properties properties = new Properties();
		try (Reader reader = Files.newBufferedReader(marker, StandardCharsets.UTF_8)) {
			properties.load(reader);
			if (!kind.name().equals(properties.getProperty("kind"))) {
				return null;
			}
			return new CacheEntry(directory, kind, directory.resolve(properties.getProperty("app-jar", "")),
					directory.resolve(kind.fileName()), Long.parseLong(properties.getProperty("archive.size", "-1")),
					Long.parseLong(properties.getProperty("archive.modified", "-1")),
					Boolean.parseBoolean(properties.getProperty("spring-aot", "false")));
		}
		catch (IOException | RuntimeException ex) {
			return null;
		}
	}

	/**
	 * Finish an entry: record its archive as it is now.
	 * @return the entry
	 */
	static CacheEntry write(Path directory, ArchiveKind kind, Path appJar, Path archive, boolean springAot)
			throws IOException {
		CacheEntry entry = new CacheEntry(directory, kind, appJar, archive, Files.size(archive),
				Files.getLastModifiedTime(archive).toMillis(), springAot);
		Properties properties = new Properties();
		properties.setProperty("kind", kind.name());
		properties.setProperty("app-jar", directory.relativize(appJar).toString());
		properties.setProperty("archive.size", Long.toString(entry.size()));
		properties.setProperty("archive.modified", Long.toString(entry.modified()));
		properties.setProperty("spring-aot", Boolean.toString(springAot));
		Path partial = directory.resolve(MARKER + ".partial");
		try (Writer writer = Files.newBufferedWriter(partial, StandardCharsets.UTF_8)) {
			properties.store(writer, "discordoo-sharding class data cache entry");
		}
		Files.move(partial, directory.resolve(MARKER), StandardCopyOption.ATOMIC_MOVE);
		return entry;
	}

	/**
	 * Return whether the archive and the jar are still as they were made.
	 * @return whether a child may start from the entry
	 */
	boolean intact() {
		try {
			return Files.isRegularFile(this.appJar) && Files.size(this.archive) == this.size
					&& Files.getLastModifiedTime(this.archive).toMillis() == this.modified;
		}
		catch (IOException ex) {
			return false;
		}
	}

	/**
	 * Return how a child starts from this entry.
	 * @return the launch
	 */
	ClassDataCache.Launch launch() {
		List<String> options = new ArrayList<>(this.kind.useOptions(this.archive));
		if (this.springAot) {
			options.add(SpringAot.ENABLED_OPTION);
		}
		return new ClassDataCache.Launch(this.appJar.toString(), options);
	}

}
