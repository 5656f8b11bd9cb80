package dev.discordoo.sharding.cds;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.loader.tools.Library;
import org.springframework.boot.loader.tools.LibraryScope;
import org.springframework.boot.loader.tools.Repackager;

import dev.discordoo.sharding.manager.ChildJvmCommand;
import dev.discordoo.sharding.manager.InstanceSpawn;
import dev.discordoo.sharding.manager.LaunchedInstance;
import dev.discordoo.sharding.manager.ProcessInstanceLauncher;
import dev.discordoo.sharding.protocol.InstanceEnvironment;
import dev.discordoo.sharding.snowflake.DiscordooSnowflake;
import dev.discordoo.sharding.testbot.TestBotApplication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ClassDataCache}, with real jars and real JVMs: the jars are assembled
 * here from {@link CdsProbeMain}, the executable one by Spring Boot's own repackager, and
 * every archive is made by a real training run and checked by a JVM that maps it.
 */
class ClassDataCacheTests {

	private static final List<String> JVM_ARGS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
			"-XX:CICompilerCount=1");

	private static final String JAVA = ProcessHandle.current()
		.info()
		.command()
		.orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());

	@TempDir
	static Path shared;

	static Path plainJar;

	static Path cacheDirectory;

	/** The entry of {@link #plainJar} on this JDK. */
	static Path plainEntry;

	@BeforeAll
	static void makeAnEntryOfAPlainJar() throws Exception {
		plainJar = probeJar(shared.resolve("probe.jar"), "v1");
		cacheDirectory = shared.resolve("cache");
		try (ClassDataCache cache = new ClassDataCache(cacheDirectory, JAVA, plainJar, JVM_ARGS)) {
			ClassDataCache.Launch launch = awaitMade(cache, environment(shared.resolve("plain-runs.txt")));
			plainEntry = Path.of(launch.jar()).getParent().getParent();
		}
	}

	@Test
	void theNextCacheOfTheSameJarUsesTheEntryWithoutTrainingAgain() throws Exception {
		try (ClassDataCache cache = new ClassDataCache(cacheDirectory, JAVA, plainJar, JVM_ARGS)) {
			ClassDataCache.Launch launch = cache.launch(environment(shared.resolve("plain-runs.txt")));
			assertThat(launch).isNotNull();
			assertThat(launch.jar()).startsWith(cacheDirectory.toString()).endsWith("app.jar");
			assertThat(launch.jvmOptions()).singleElement()
				.asString()
				.startsWith(Runtime.version().feature() >= 25 ? "-XX:AOTCache=" : "-XX:SharedArchiveFile=");
			assertThat(cache.availability()).isCompletedWithValue(true);
			assertThat(Files.readAllLines(shared.resolve("plain-runs.txt"))).hasSize(1);
			assertStartsFromTheArchive(JAVA, launch);
		}
	}

	@Test
	void aLauncherStartsChildrenPlainlyThenFromTheCache() throws Exception {
		Path runs = shared.resolve("launcher-runs.txt");
		Path jar = probeJar(shared.resolve("launcher.jar"), "launcher");
		ClassDataCache cache = new ClassDataCache(shared.resolve("launcher-cache"), JAVA, jar, JVM_ARGS);
		try (ProcessInstanceLauncher launcher = new ProcessInstanceLauncher(
				ChildJvmCommand.forJar(jar.toString()).withJvmArgs(JVM_ARGS), Map.of("CDS_PROBE_RUNS", runs.toString()),
				Map.of(), "127.0.0.1", cache)) {
			List<String> first = startedCommand(launcher, 0);
			assertThat(first).containsSubsequence("-jar", jar.toString()).noneMatch((arg) -> arg.startsWith("-XX:Shared"));
			assertThat(cache.availability().get(60, TimeUnit.SECONDS)).as(String.valueOf(cache.unavailableReason()))
				.isTrue();
			List<String> next = startedCommand(launcher, 1);
			assertThat(next).containsSubsequence("-jar", cache.launch(Map.of()).jar())
				.anyMatch((arg) -> arg.startsWith("-XX:SharedArchiveFile=") || arg.startsWith("-XX:AOTCache="));
			// the training run had the environment of a child: the launcher's variables too
			assertThat(Files.readAllLines(runs)).hasSize(1);
		}
	}

	@Test
	void anExecutableJarIsExtractedWithBootsToolsAndItsChildrenStartFromTheArchive() throws Exception {
		Path jar = probeJar(shared.resolve("boot.jar"), "boot");
		Repackager repackager = new Repackager(jar.toFile());
		repackager.setBackupSource(false);
		// as in every Boot application: Boot's tools need Spring's core
		List<File> libraries = new ArrayList<>();
		for (Class<?> type : List.of(org.springframework.util.ClassUtils.class, org.apache.commons.logging.Log.class)) {
			libraries.add(new File(type.getProtectionDomain().getCodeSource().getLocation().toURI()));
		}
		repackager.repackage((callback) -> {
			for (File library : libraries) {
				callback.library(new Library(library, LibraryScope.RUNTIME));
			}
		});
		try (ClassDataCache cache = new ClassDataCache(shared.resolve("boot-cache"), JAVA, jar, JVM_ARGS)) {
			ClassDataCache.Launch launch = awaitMade(cache, environment(shared.resolve("boot-runs.txt")));
			Path extracted = Path.of(launch.jar()).getParent();
			assertThat(extracted.resolve("lib")).isDirectory();
			assertStartsFromTheArchive(JAVA, launch);
		}
	}

	@Test
	void aSpringApplicationsChildrenStartWithTheContextProcessedInTheirConfiguration() throws Exception {
		Path jar = springAotProbeJar(shared.resolve("spring-aot.jar"));
		Path directory = shared.resolve("spring-aot-cache");
		Map<String, String> featureOn = Map.of("PROBE_FEATURE", "true");
		String onJar;
		try (ClassDataCache cache = new ClassDataCache(directory, JAVA, jar, JVM_ARGS, new SpringAot(featureOn))) {
			ClassDataCache.Launch launch = awaitMade(cache, withInstance(featureOn));
			assertThat(cache.springAotUnavailableReason()).isNull();
			assertThat(launch.jvmOptions()).contains("-Dspring.aot.enabled=true");
			assertThat(runProbe(launch, featureOn)).contains("probe aot=true feature=true");
			onJar = launch.jar();
		}
		// the same jar, JDK and JVM arguments, but another configuration of the children: the
		// entry above has the bean in its generated code, so it must not be used
		try (ClassDataCache cache = new ClassDataCache(directory, JAVA, jar, JVM_ARGS, new SpringAot(Map.of()))) {
			ClassDataCache.Launch launch = awaitMade(cache, withInstance(Map.of()));
			assertThat(launch.jar()).isNotEqualTo(onJar);
			assertThat(launch.jvmOptions()).contains("-Dspring.aot.enabled=true");
			assertThat(runProbe(launch, Map.of())).contains("probe aot=true feature=false");
		}
	}

	@Test
	void aProcessedContextThatDoesNotStartLeavesChildrenOnTheArchiveWithoutSpringAot() throws Exception {
		Path jar = springAotProbeJar(shared.resolve("spring-aot-refused.jar"));
		Map<String, String> refuse = Map.of("PROBE_REFUSE_AOT", "true");
		try (ClassDataCache cache = new ClassDataCache(shared.resolve("spring-aot-refused-cache"), JAVA, jar, JVM_ARGS,
				new SpringAot(refuse))) {
			ClassDataCache.Launch launch = awaitMade(cache, withInstance(refuse));
			assertThat(cache.springAotUnavailableReason()).contains("training run")
				.endsWith("(with Spring AOT)");
			assertThat(launch.jvmOptions()).noneMatch((option) -> option.contains("spring.aot"));
			// the archive was trained again without it: the children start, plainly configured
			assertThat(runProbe(launch, refuse)).contains("probe aot=false feature=false");
		}
	}

	/**
	 * A sharding instance started from its context processed ahead of time still guards
	 * against outliving its manager: when its stdin ends (its manager is gone), it exits.
	 */
	@Test
	void anInstanceProcessedAheadOfTimeStillExitsWhenItsManagerIsGone(@TempDir Path dir) throws Exception {
		Path jar = testBotJar(dir);
		long managerPid = ProcessHandle.current().pid();
		Map<String, String> instance = new LinkedHashMap<>();
		instance.put(InstanceEnvironment.MANAGER_ID,
				DiscordooSnowflake.generate(DiscordooSnowflake.MANAGER_SHARD_ID, managerPid));
		instance.put(InstanceEnvironment.INSTANCE_ID, DiscordooSnowflake.generate(0, managerPid));
		instance.put(InstanceEnvironment.INSTANCE_INDEX, "0");
		instance.put(InstanceEnvironment.TOKEN, "0123456789abcdef0123456789abcdef");
		// a spare: no spawn timeout, so only its stdin or its manager's pid can end it
		instance.put(InstanceEnvironment.SPARE, "true");
		instance.put(InstanceEnvironment.STDIN_GUARD, "true");
		try (ClassDataCache cache = new ClassDataCache(dir.resolve("cache"), JAVA, jar, JVM_ARGS,
				new SpringAot(Map.of(InstanceEnvironment.STDIN_GUARD, "true")))) {
			ClassDataCache.Launch launch = awaitMade(cache, instance);
			assertThat(cache.springAotUnavailableReason()).isNull();
			List<String> command = new ArrayList<>();
			command.add(JAVA);
			command.addAll(JVM_ARGS);
			command.addAll(launch.jvmOptions());
			command.addAll(List.of("-jar", launch.jar()));
			Path log = dir.resolve("instance.log");
			ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
			builder.environment().putAll(instance);
			Process child = builder.start();
			try {
				await().atMost(Duration.ofSeconds(60))
					.until(() -> Files.readString(log).contains(InstanceEnvironment.READY_LINE_PREFIX));
				assertThat(Files.readString(log)).contains("Starting AOT-processed");
				assertThat(child.isAlive()).isTrue();
				child.getOutputStream().close();
				assertThat(child.waitFor(15, TimeUnit.SECONDS)).as("exited after its stdin closed").isTrue();
			}
			finally {
				child.destroyForcibly();
				child.waitFor(10, TimeUnit.SECONDS);
			}
		}
	}

	@Test
	void aJarThatIsNoSpringApplicationStartsFromTheArchiveWithoutSpringAotAndSaysWhy() throws Exception {
		try (ClassDataCache cache = new ClassDataCache(shared.resolve("no-spring-cache"), JAVA, plainJar, JVM_ARGS,
				new SpringAot(Map.of()))) {
			ClassDataCache.Launch launch = awaitMade(cache, environment(shared.resolve("no-spring-runs.txt")));
			assertThat(launch.jvmOptions()).noneMatch((option) -> option.contains("spring.aot"));
			assertThat(cache.springAotUnavailableReason()).contains("Spring AOT processing exited with code");
			assertStartsFromTheArchive(JAVA, launch);
		}
	}

	@Test
	void aChangedJarMakesANewEntry() throws Exception {
		Path changed = probeJar(shared.resolve("changed/probe.jar"), "v2");
		try (ClassDataCache cache = new ClassDataCache(cacheDirectory, JAVA, changed, JVM_ARGS)) {
			ClassDataCache.Launch launch = awaitMade(cache, environment(shared.resolve("changed-runs.txt")));
			assertThat(Path.of(launch.jar()).getParent().getParent()).isNotEqualTo(plainEntry);
			assertThat(Files.readAllLines(shared.resolve("changed-runs.txt"))).hasSize(1);
		}
	}

	@Test
	void aChangedJdkMakesANewEntry() throws Exception {
		// the same JDK behind a home of its own whose release file says it was updated in place
		Path home = shared.resolve("updated-jdk");
		Files.createDirectories(home.resolve("bin"));
		Path realHome = Path.of(JAVA).toRealPath().getParent().getParent();
		Files.writeString(home.resolve("release"),
				Files.readString(realHome.resolve("release")) + "\nIMPLEMENTOR_VERSION=\"updated in place\"\n");
		Path java = home.resolve("bin/java");
		Files.writeString(java, "#!/bin/sh\nexec '" + Path.of(JAVA).toRealPath() + "' \"$@\"\n");
		Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwx------"));
		try (ClassDataCache cache = new ClassDataCache(cacheDirectory, java.toString(), plainJar, JVM_ARGS)) {
			ClassDataCache.Launch launch = awaitMade(cache, environment(shared.resolve("jdk-runs.txt")));
			assertThat(Path.of(launch.jar()).getParent().getParent()).isNotEqualTo(plainEntry);
			assertThat(Files.readAllLines(shared.resolve("jdk-runs.txt"))).hasSize(1);
		}
	}

	@Test
	void onJdk25ChildrenStartFromAnAotCache() throws Exception {
		Optional<Path> jdk25 = jdk25();
		assumeThat(jdk25).as("a JDK 25 or later beside this one").isPresent();
		String java = jdk25.get().resolve("bin/java").toString();
		try (ClassDataCache cache = new ClassDataCache(shared.resolve("aot-cache"), java, plainJar, JVM_ARGS)) {
			ClassDataCache.Launch launch = awaitMade(cache, environment(shared.resolve("aot-runs.txt")));
			assertThat(launch.jvmOptions()).singleElement().asString().startsWith("-XX:AOTCache=");
			assertStartsFromTheArchive(java, launch);
		}
	}

	@Test
	void anArchiveThatChangedOnDiskIsNotUsedAndIsMadeAgainByTheNextCache() throws Exception {
		Path copy = shared.resolve("corrupt-cache");
		copyWithTimes(cacheDirectory, copy);
		Path archive;
		try (ClassDataCache cache = new ClassDataCache(copy, JAVA, plainJar, JVM_ARGS)) {
			ClassDataCache.Launch launch = cache.launch(environment(null));
			assertThat(launch).isNotNull();
			archive = Path.of(launch.jvmOptions().get(0).substring(launch.jvmOptions().get(0).indexOf('=') + 1));
			try (RandomAccessFile file = new RandomAccessFile(archive.toFile(), "rw")) {
				file.seek(file.length() / 2);
				file.write("garbage".getBytes(StandardCharsets.UTF_8));
			}
			Files.setLastModifiedTime(archive,
					FileTime.fromMillis(Files.getLastModifiedTime(archive).toMillis() + 2000));
			assertThat(cache.launch(environment(null))).isNull();
			assertThat(cache.unavailableReason()).contains(archive.toString()).contains("changed");
			assertThat(archive.getParent()).doesNotExist();
			assertThat(cache.launch(environment(null))).isNull();
		}
		try (ClassDataCache next = new ClassDataCache(copy, JAVA, plainJar, JVM_ARGS)) {
			ClassDataCache.Launch launch = awaitMade(next, environment(shared.resolve("corrupt-runs.txt")));
			assertThat(launch.jvmOptions().get(0)).endsWith(archive.toString());
		}
	}

	@Test
	void anUnwritableDirectoryMeansPlainStartsAndSaysWhy() throws Exception {
		Path notADirectory = Files.writeString(shared.resolve("a-file"), "not a directory");
		try (ClassDataCache cache = new ClassDataCache(notADirectory.resolve("cache"), JAVA, plainJar, JVM_ARGS)) {
			assertThat(cache.launch(environment(null))).isNull();
			assertThat(cache.availability().get(30, TimeUnit.SECONDS)).isFalse();
			assertThat(cache.unavailableReason()).contains(notADirectory.toString());
			assertThat(cache.launch(environment(null))).isNull();
		}
	}

	@Test
	void aDirectoryOthersCanWriteIsRefused() throws Exception {
		Path open = Files.createDirectories(shared.resolve("world-writable"));
		Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
		try (ClassDataCache cache = new ClassDataCache(open, JAVA, plainJar, JVM_ARGS)) {
			assertThat(cache.launch(environment(null))).isNull();
			assertThat(cache.availability().get(30, TimeUnit.SECONDS)).isFalse();
			assertThat(cache.unavailableReason()).contains("writable by other users");
		}
	}

	@Test
	void jvmArgumentsThatManageSharingThemselvesTurnTheCacheOff() throws Exception {
		List<String> own = new ArrayList<>(JVM_ARGS);
		own.add("-XX:SharedArchiveFile=/somewhere/own.jsa");
		Path directory = shared.resolve("own-cache");
		try (ClassDataCache cache = new ClassDataCache(directory, JAVA, plainJar, own)) {
			assertThat(cache.launch(environment(null))).isNull();
			assertThat(cache.availability().get(30, TimeUnit.SECONDS)).isFalse();
			assertThat(cache.unavailableReason()).contains("-XX:SharedArchiveFile=/somewhere/own.jsa");
		}
		assertThat(directory).doesNotExist();
	}

	@Test
	void aJdkWithoutAReleaseFileMeansPlainStarts() throws Exception {
		Path home = Files.createDirectories(shared.resolve("no-release/bin"));
		Path java = Files.writeString(home.resolve("java"), "#!/bin/sh\nexit 1\n");
		try (ClassDataCache cache = new ClassDataCache(shared.resolve("no-release-cache"), java.toString(), plainJar,
				JVM_ARGS)) {
			assertThat(cache.launch(environment(null))).isNull();
			assertThat(cache.availability().get(30, TimeUnit.SECONDS)).isFalse();
			assertThat(cache.unavailableReason()).contains("release");
		}
	}

	private static ClassDataCache.Launch awaitMade(ClassDataCache cache, Map<String, String> environment)
			throws Exception {
		assertThat(cache.launch(environment)).as("the first launch starts plainly").isNull();
		assertThat(cache.availability().get(90, TimeUnit.SECONDS)).as(String.valueOf(cache.unavailableReason()))
			.isTrue();
		ClassDataCache.Launch launch = cache.launch(environment);
		assertThat(launch).isNotNull();
		return launch;
	}

	/** Start a child with the launch and the JVM's class loading log: the probe's classes must come from it. */
	private static void assertStartsFromTheArchive(String java, ClassDataCache.Launch launch) throws Exception {
		List<String> command = new ArrayList<>();
		command.add(java);
		command.addAll(JVM_ARGS);
		command.addAll(launch.jvmOptions());
		command.add("-Xlog:class+load=info");
		command.add("-Dspring.context.exit=onRefresh");
		command.add("-jar");
		command.add(launch.jar());
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		try (InputStream out = process.getInputStream()) {
			String output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
			assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
			assertThat(process.exitValue()).as(output).isZero();
			assertThat(output.lines()).as(output)
				.anyMatch((line) -> line.contains(CdsProbeMain.Payload.class.getName())
						&& line.contains("source: shared objects file"));
		}
		finally {
			process.destroyForcibly();
		}
	}

	private static List<String> startedCommand(ProcessInstanceLauncher launcher, int index) throws Exception {
		LaunchedInstance launched = launcher
			.launch(new InstanceSpawn(index, "1", Integer.toString(1000 + index), "0123456789abcdef"));
		try {
			launched.endpoint().get(30, TimeUnit.SECONDS);
			ProcessHandle handle = ProcessHandle.of(launched.pid()).orElseThrow();
			return List.of(handle.info().arguments().orElseThrow());
		}
		finally {
			launched.destroyForcibly();
			await().atMost(Duration.ofSeconds(10))
				.until(() -> ProcessHandle.of(launched.pid()).map((handle) -> !handle.isAlive()).orElse(true));
		}
	}

	private static void copyWithTimes(Path from, Path to) throws IOException {
		try (Stream<Path> paths = Files.walk(from)) {
			for (Path path : paths.toList()) {
				Files.copy(path, to.resolve(from.relativize(path).toString()), StandardCopyOption.COPY_ATTRIBUTES);
			}
		}
	}

	private static Map<String, String> environment(Path runs) {
		Map<String, String> environment = new LinkedHashMap<>();
		environment.put("DISCORDOO_SHARDING_INSTANCE_ID", "1001");
		if (runs != null) {
			environment.put("CDS_PROBE_RUNS", runs.toString());
		}
		return environment;
	}

	/** A jar of the probe application; {@code version} changes its content. */
	static Path probeJar(Path jar, String version) throws IOException {
		return jarOf(jar, List.of(CdsProbeMain.class, CdsProbeMain.Payload.class), version);
	}

	/** A jar of the classes, the first of them its main class, and a {@code version.txt}. */
	private static Path jarOf(Path jar, List<Class<?>> classes, String version) throws IOException {
		Files.createDirectories(jar.getParent());
		Manifest manifest = new Manifest();
		manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
		manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, classes.get(0).getName());
		try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
			for (Class<?> type : classes) {
				String name = type.getName().replace('.', '/') + ".class";
				out.putNextEntry(new JarEntry(name));
				try (InputStream in = type.getClassLoader().getResourceAsStream(name)) {
					in.transferTo(out);
				}
				out.closeEntry();
			}
			out.putNextEntry(new JarEntry("version.txt"));
			out.write(version.getBytes(StandardCharsets.UTF_8));
			out.closeEntry();
		}
		return jar;
	}

	/** Run the Spring probe as a child would run, with the launch, and return what it printed. */
	private static String runProbe(ClassDataCache.Launch launch, Map<String, String> variables) throws Exception {
		List<String> command = new ArrayList<>();
		command.add(JAVA);
		command.addAll(JVM_ARGS);
		command.addAll(launch.jvmOptions());
		command.add("-jar");
		command.add(launch.jar());
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
		builder.environment().remove("PROBE_FEATURE");
		builder.environment().remove("PROBE_REFUSE_AOT");
		builder.environment().putAll(withInstance(variables));
		Process process = builder.start();
		try (InputStream out = process.getInputStream()) {
			String output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
			assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
			assertThat(process.exitValue()).as(output).isZero();
			return output;
		}
		finally {
			process.destroyForcibly();
		}
	}

	private static Map<String, String> withInstance(Map<String, String> variables) {
		Map<String, String> environment = new LinkedHashMap<>(variables);
		environment.put("DISCORDOO_SHARDING_INSTANCE_ID", "1001");
		return environment;
	}

	/**
	 * An executable jar of {@link SpringAotProbeApplication}, with the libraries it needs
	 * from this class path.
	 */
	private static Path springAotProbeJar(Path jar) throws Exception {
		jarOf(jar, List.of(SpringAotProbeApplication.class, SpringAotProbeApplication.Feature.class), "spring");
		Repackager repackager = new Repackager(jar.toFile());
		repackager.setBackupSource(false);
		List<File> libraries = new ArrayList<>();
		for (Class<?> type : List.of(org.springframework.boot.SpringApplication.class,
				org.springframework.boot.autoconfigure.condition.ConditionalOnProperty.class,
				org.springframework.context.ApplicationContext.class, org.springframework.beans.factory.BeanFactory.class,
				org.springframework.aop.framework.AopProxy.class,
				org.springframework.expression.ExpressionParser.class, org.springframework.util.ClassUtils.class,
				org.apache.commons.logging.Log.class, io.micrometer.observation.ObservationRegistry.class,
				io.micrometer.common.KeyValue.class, org.jspecify.annotations.Nullable.class)) {
			File library = new File(type.getProtectionDomain().getCodeSource().getLocation().toURI());
			if (!libraries.contains(library)) {
				libraries.add(library);
			}
		}
		repackager.repackage((callback) -> {
			for (File library : libraries) {
				callback.library(new Library(library, LibraryScope.RUNTIME));
			}
		});
		return jar;
	}

	/**
	 * A jar of the test bot, whose manifest puts this test's class path on its own: the
	 * directories of classes as jars, since a class data archive takes no directories.
	 */
	private static Path testBotJar(Path dir) throws Exception {
		String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
		List<String> entries = new ArrayList<>();
		int index = 0;
		for (String element : classPath.split(File.pathSeparator)) {
			Path path = Path.of(element);
			if (Files.isDirectory(path)) {
				path = directoryJar(path, dir.resolve("classes-" + (index++) + ".jar"));
			}
			if (Files.isRegularFile(path)) {
				entries.add(path.toUri().toString());
			}
		}
		Manifest manifest = new Manifest();
		manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
		manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, TestBotApplication.class.getName());
		manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", entries));
		Path jar = dir.resolve("testbot.jar");
		try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
			// the manifest alone
		}
		return jar;
	}

	private static Path directoryJar(Path directory, Path jar) throws IOException {
		try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file);
				Stream<Path> paths = Files.walk(directory)) {
			for (Path path : paths.filter(Files::isRegularFile).toList()) {
				out.putNextEntry(new JarEntry(directory.relativize(path).toString().replace(File.separatorChar, '/')));
				Files.copy(path, out);
				out.closeEntry();
			}
		}
		return jar;
	}

	/** A JDK of feature version 25 or later in the usual JVM directory, if one is installed. */
	private static Optional<Path> jdk25() throws IOException {
		Path jvms = Path.of("/usr/lib/jvm");
		if (!Files.isDirectory(jvms)) {
			return Optional.empty();
		}
		try (Stream<Path> homes = Files.list(jvms)) {
			return homes.filter((home) -> Files.isExecutable(home.resolve("bin/java"))).filter((home) -> {
				try {
					return ChildJdk.of(home.resolve("bin/java").toString()).aotCache();
				}
				catch (IOException ex) {
					return false;
				}
			}).findFirst();
		}
	}

}
