package dev.discordoo.sharding.cds;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import org.jspecify.annotations.Nullable;

/**
 * The JDK a child JVM runs on, read from the {@code release} file of the java binary's home:
 * its feature version decides which archive it can use, and its fingerprint changes whenever
 * the JDK does (another JDK, or the same one updated in place), which invalidates the
 * archives made with it.
 *
 * @param home the JDK's home directory
 * @param feature the feature version, such as 17 or 25
 * @param fingerprint the real path of the java binary, the content of the {@code release}
 * file and the size and time of {@code libjvm}, joined
 */
record ChildJdk(Path home, int feature, String fingerprint) {

	/**
	 * The first feature version that makes an AOT cache in one training run
	 * ({@code -XX:AOTCacheOutput}, JEP 514).
	 */
	static final int AOT_CACHE_FEATURE = 25;

	/**
	 * Read the JDK of a java binary.
	 * @param javaBinary the path of the java executable
	 * @return the JDK
	 * @throws IOException if the binary or its {@code release} file cannot be read, or the
	 * file has no usable {@code JAVA_VERSION}
	 */
	static ChildJdk of(String javaBinary) throws IOException {
		Path binary = Path.of(javaBinary).toRealPath();
		Path bin = binary.getParent();
		Path home = (bin != null) ? bin.getParent() : null;
		if (home == null) {
			throw new IOException("cannot tell the home of " + binary);
		}
		Path release = home.resolve("release");
		String content = Files.readString(release, StandardCharsets.UTF_8);
		Properties properties = new Properties();
		try (Reader reader = Files.newBufferedReader(release, StandardCharsets.UTF_8)) {
			properties.load(reader);
		}
		String version = unquote(properties.getProperty("JAVA_VERSION"));
		if (version == null || version.isBlank()) {
			throw new IOException(release + " has no JAVA_VERSION");
		}
		int feature;
		try {
			feature = Runtime.Version.parse(version).feature();
		}
		catch (IllegalArgumentException ex) {
			throw new IOException(release + " has an unreadable JAVA_VERSION '" + version + "'", ex);
		}
		Path libjvm = home.resolve("lib/server/libjvm.so");
		String library = Files.isRegularFile(libjvm)
				? Files.size(libjvm) + "@" + Files.getLastModifiedTime(libjvm).toMillis() : "";
		return new ChildJdk(home, feature, binary + "\n" + content + "\n" + library);
	}

	/**
	 * Return whether this JDK makes an AOT cache rather than a dynamic archive.
	 * @return whether the feature version is 25 or later
	 */
	boolean aotCache() {
		return this.feature >= AOT_CACHE_FEATURE;
	}

	/**
	 * Return the JDK's Java compiler, if it has one (a runtime image has none).
	 * @return the path of {@code javac}, or {@code null}
	 */
	@Nullable Path javac() {
		Path javac = this.home.resolve("bin").resolve(isWindows() ? "javac.exe" : "javac");
		return Files.isExecutable(javac) ? javac : null;
	}

	private static boolean isWindows() {
		return System.getProperty("os.name", "").startsWith("Windows");
	}

	private static @Nullable String unquote(@Nullable String value) {
		if (value != null && value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
			return value.substring(1, value.length() - 1);
		}
		return value;
	}

}
