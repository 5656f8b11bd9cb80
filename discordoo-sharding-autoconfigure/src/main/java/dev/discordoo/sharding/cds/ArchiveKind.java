package dev.discordoo.sharding.cds;

import java.nio.file.Path;
import java.util.List;

/**
 * The kind of class data archive a JDK makes, and the JVM options that make, use and check
 * one.
 */
enum ArchiveKind {

	/**
	 * JDK 25 and later: an AOT cache, made by one training run ({@code -XX:AOTCacheOutput},
	 * JEP 514), which holds the classes loaded and linked, and method profiles.
	 */
	AOT_CACHE("app.aot", "-XX:AOTCacheOutput=", "-XX:AOTCache=", "-XX:AOTMode=on"),

	/**
	 * JDK 17 to 24: a dynamic AppCDS archive on top of the JDK's own, written when the
	 * training run exits ({@code -XX:ArchiveClassesAtExit}).
	 */
	DYNAMIC_ARCHIVE("app.jsa", "-XX:ArchiveClassesAtExit=", "-XX:SharedArchiveFile=", "-Xshare:on");

	private final String fileName;

	private final String writeOption;

	private final String useOption;

	private final String requireOption;

	ArchiveKind(String fileName, String writeOption, String useOption, String requireOption) {
		this.fileName = fileName;
		this.writeOption = writeOption;
		this.useOption = useOption;
		this.requireOption = requireOption;
	}

	static ArchiveKind of(ChildJdk jdk) {
		return jdk.aotCache() ? AOT_CACHE : DYNAMIC_ARCHIVE;
	}

	/**
	 * Return the file name of the archive in its cache entry.
	 * @return the file name
	 */
	String fileName() {
		return this.fileName;
	}

	/** The options of the training run that writes the archive to {@code output}. */
	List<String> trainingOptions(Path output) {
		return List.of(this.writeOption + output);
	}

	/** The options of a child that starts from the archive. */
	List<String> useOptions(Path archive) {
		return List.of(this.useOption + archive);
	}

	/** The options of a JVM that fails to start unless it can use the archive. */
	List<String> checkOptions(Path archive) {
		return List.of(this.requireOption, this.useOption + archive);
	}

}
