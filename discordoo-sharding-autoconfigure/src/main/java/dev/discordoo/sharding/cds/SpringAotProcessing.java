package dev.discordoo.sharding.cds;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * Processes an application ahead of time for its children, with Spring Boot's own tool: runs
 * {@code SpringApplicationAotProcessor} on the extracted jar in a child's environment,
 * compiles the sources it generates with the children's JDK, and adds the classes and
 * resources to the extracted jar, where the children find them.
 */
final class SpringAotProcessing {

	static final String PROCESSOR = "org.springframework.boot.SpringApplicationAotProcessor";

	private SpringAotProcessing() {
	}

	/**
	 * Process the application of {@code appJar} and add the generated code to it.
	 * @param steps runs each process
	 * @param jdk the children's JDK, whose compiler compiles the generated sources
	 * @param javaBinary the children's java executable
	 * @param jvmArgs the children's JVM arguments: system properties among them may decide
	 * beans
	 * @param entryDirectory the entry's directory, for the work files and logs
	 * @param appJar the extracted application jar
	 * @param environment a child's environment
	 * @throws CacheUnavailableException if the application cannot be processed, and why
	 * @throws Exception if a step fails otherwise
	 */
	static void process(Steps steps, ChildJdk jdk, String javaBinary, List<String> jvmArgs, Path entryDirectory,
			Path appJar, Map<String, String> environment) throws Exception {
		Path javac = jdk.javac();
		if (javac == null) {
			throw new CacheUnavailableException("the children's JDK " + jdk.home() + " has no javac to compile the "
					+ "generated sources (a runtime image, not a JDK)");
		}
		String mainClass = mainClass(appJar);
		Path work = entryDirectory.resolve("spring-aot");
		Path sources = work.resolve("sources");
		Path resources = work.resolve("resources");
		Path classes = work.resolve("classes");
		List<String> process = new ArrayList<>();
		process.add(javaBinary);
		process.addAll(jvmArgs);
		process.addAll(List.of("-cp", appJar.toString(), PROCESSOR, mainClass, sources.toString(),
				resources.toString(), classes.toString(), "discordoo-sharding", "instance"));
		steps.run("Spring AOT processing", process, environment, entryDirectory.resolve("spring-aot.log"));
		List<String> generated = javaFiles(sources);
		if (generated.isEmpty()) {
			throw new CacheUnavailableException("Spring AOT generated no sources; see "
					+ entryDirectory.resolve("spring-aot.log"));
		}
		// an argument file: the generated sources are many, a command line is bounded
		Path argumentFile = work.resolve("javac-sources.txt");
		Files.write(argumentFile, generated.stream().map(SpringAotProcessing::quoted).toList(), StandardCharsets.UTF_8);
		Files.createDirectories(classes);
		steps.run("compilation of the Spring AOT sources",
				List.of(javac.toString(), "-proc:none", "-nowarn", "-encoding", "UTF-8", "-d", classes.toString(),
						"-cp", classes + java.io.File.pathSeparator + appJar, "@" + argumentFile),
				Map.of(), entryDirectory.resolve("spring-aot-javac.log"));
		addTo(appJar, List.of(classes, resources));
	}

	/** The main class of the extracted jar, which is the application's own. */
	private static String mainClass(Path appJar) throws IOException, CacheUnavailableException {
		try (JarFile jar = new JarFile(appJar.toFile())) {
			Manifest manifest = jar.getManifest();
			String mainClass = (manifest != null) ? manifest.getMainAttributes().getValue("Main-Class") : null;
			if (mainClass == null || mainClass.isBlank()) {
				throw new CacheUnavailableException("the jar names no Main-Class");
			}
			return mainClass.strip();
		}
	}

	private static List<String> javaFiles(Path sources) throws IOException {
		if (!Files.isDirectory(sources)) {
			return List.of();
		}
		try (Stream<Path> files = Files.walk(sources)) {
			return files.filter((file) -> file.toString().endsWith(".java")).map(Path::toString).sorted().toList();
		}
	}

	/** A path as javac's argument files read it: quoted, backslashes escaped. */
	private static String quoted(String path) {
		return "\"" + path.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
	}

	/** Add the files of the directories to the jar; generated ones replace any of the same name. */
	private static void addTo(Path appJar, List<Path> directories) throws IOException {
		try (FileSystem jar = FileSystems.newFileSystem(URI.create("jar:" + appJar.toUri()), Map.of())) {
			for (Path directory : directories) {
				if (!Files.isDirectory(directory)) {
					continue;
				}
				try (Stream<Path> files = Files.walk(directory)) {
					for (Path file : files.filter(Files::isRegularFile).toList()) {
						Path target = jar.getPath("/", directory.relativize(file).toString().replace('\\', '/'));
						Path parent = target.getParent();
						if (parent != null) {
							Files.createDirectories(parent);
						}
						Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
					}
				}
			}
		}
	}

	/** Runs one step of making an entry, as {@link ClassDataCache} runs them all. */
	@FunctionalInterface
	interface Steps {

		void run(String what, List<String> command, Map<String, String> environment, Path log) throws Exception;

	}

}
