package dev.discordoo.sharding.cds;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.util.FileSystemUtils;

import dev.discordoo.sharding.protocol.InstanceEnvironment;

/**
 * Makes child JVMs started from an application jar start fast: once per jar content, JDK
 * and JVM arguments, it extracts the jar (a Spring Boot executable jar with Boot's
 * {@code -Djarmode=tools extract} layout, any other jar as a copy), makes a class data
 * archive with one training run of the application that exits when its context is
 * refreshed ({@code -Dspring.context.exit=onRefresh}), checks that a JVM can use it, and
 * from then on tells each child to start from the extracted jar with the archive. On JDK 25
 * and later the archive is an AOT cache, before that a dynamic AppCDS archive.
 *
 * <p>Nothing here delays a child: the cache is looked up (the jar hashed) in the background
 * from construction on, and created in the background on the first launch that finds none;
 * until it is ready, children start as they would without it. Whatever fails (no JDK
 * {@code release} file, an unwritable directory, a jar without Boot's tools, a training run
 * that fails, an archive that no JVM accepts or that changed on disk since it was made),
 * children start plainly, and the reason is logged once.
 *
 * <p>With {@link SpringAot}, the entry also holds the application's context processed ahead
 * of time for a sharding instance, and children start with it; when that fails, they start
 * from the archive without it, and the reason is logged once.
 *
 * <p>Entries live in a directory of their own under the cache directory, named after the
 * jar and a hash of its content, of the JDK and of the JVM arguments (and, with Spring AOT,
 * of the children's configuration), so that a change of any of them makes a new entry; the
 * two most recent other entries of the same jar name are kept (another JDK may be in use
 * beside this one), older ones deleted. A file lock keeps two managers from making the same
 * entry at once.
 */
public final class ClassDataCache implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(ClassDataCache.class);

	/** Bumped when the layout of an entry changes, so that old entries are not read. */
	private static final String FORMAT = "1";

	private static final int OTHER_ENTRIES_KEPT = 2;

	/** How long a launch waits for the lookup of an existing entry (hashing the jar). */
	private static final Duration LOOKUP_WAIT = Duration.ofSeconds(5);

	/** How long extraction, training or check may take before it is killed. */
	private static final Duration STEP_TIMEOUT = Duration.ofMinutes(3);

	/** JVM options with which the user manages class data sharing already. */
	private static final List<String> SHARING_OPTIONS = List.of("-Xshare:off", "-XX:SharedArchiveFile",
			"-XX:ArchiveClassesAtExit", "-XX:+AutoCreateSharedArchive", "-XX:AOTCache", "-XX:AOTMode",
			"-XX:AOTCacheOutput", "-XX:AOTConfiguration");

	private final Path directory;

	private final String javaBinary;

	private final Path jar;

	private final List<String> jvmArgs;

	private final @Nullable SpringAot springAot;

	private final CustomizableThreadFactory threads = new CustomizableThreadFactory("discordoo-class-data-");

	private final CompletableFuture<Lookup> lookup = new CompletableFuture<>();

	private final CompletableFuture<Boolean> availability = new CompletableFuture<>();

	private final AtomicBoolean preparing = new AtomicBoolean();

	private final AtomicReference<@Nullable Process> step = new AtomicReference<>();

	private volatile @Nullable CacheEntry entry;

	private volatile @Nullable String unavailable;

	private volatile @Nullable String springAotUnavailable;

	private volatile boolean closed;

	/**
	 * Create the cache of one application jar and start looking up its entry.
	 * @param directory the cache directory, created if needed (owner-only where the file
	 * system has POSIX permissions)
	 * @param javaBinary the java executable of the children
	 * @param jar the application jar the children run with {@code -jar}
	 * @param jvmArgs the JVM arguments of the children, which the training run uses too
	 */
	public ClassDataCache(Path directory, String javaBinary, Path jar, List<String> jvmArgs) {
		this(directory, javaBinary, jar, jvmArgs, null);
	}

	/**
	 * Create the cache of one application jar, whose children also start with Spring AOT if
	 * {@code springAot} is given, and start looking up its entry.
	 * @param directory the cache directory, created if needed (owner-only where the file
	 * system has POSIX permissions)
	 * @param javaBinary the java executable of the children
	 * @param jar the application jar the children run with {@code -jar}
	 * @param jvmArgs the JVM arguments of the children, which the training run uses too
	 * @param springAot how the children are configured, for Spring AOT; {@code null} for
	 * none
	 */
	public ClassDataCache(Path directory, String javaBinary, Path jar, List<String> jvmArgs,
			@Nullable SpringAot springAot) {
		this.directory = directory;
		this.javaBinary = javaBinary;
		this.jar = jar;
		this.jvmArgs = List.copyOf(jvmArgs);
		this.springAot = springAot;
		this.threads.setDaemon(true);
		this.threads.newThread(this::lookUp).start();
	}

	/**
	 * Return how a child should be started now: from the extracted jar with the archive if
	 * the entry is ready, or {@code null} to start it as it would be without this cache. The
	 * first call that finds no entry starts making one in the background.
	 * @param environment the environment of the child (its training run gets the same, so
	 * that it runs the same beans)
	 * @return the jar and extra JVM options of the child, or {@code null} for a plain start
	 */
	public @Nullable Launch launch(Map<String, String> environment) {
		if (this.unavailable != null || this.closed) {
			return null;
		}
		Lookup found = awaitLookup();
		if (found == null) {
			return null;
		}
		CacheEntry ready = (this.entry != null) ? this.entry : found.entry();
		if (ready != null) {
			if (ready.intact()) {
				return ready.launch();
			}
			unavailable("its archive " + ready.archive() + " changed after it was made; the entry is deleted "
					+ "and made again at the next start", null);
			delete(ready.directory());
			return null;
		}
		if (this.preparing.compareAndSet(false, true)) {
			Map<String, String> trainingEnvironment = new LinkedHashMap<>(environment);
			this.threads.newThread(() -> prepare(found, trainingEnvironment)).start();
		}
		return null;
	}

	/**
	 * Return a future that completes with {@code true} once children start from the archive,
	 * or with {@code false} once they will not for the life of this cache.
	 * @return a new future; cancelling it does not affect the cache
	 */
	public CompletableFuture<Boolean> availability() {
		return this.availability.copy();
	}

	/**
	 * Return why children start without class data sharing, if they do for good.
	 * @return the reason, or {@code null} while they do or may still
	 */
	public @Nullable String unavailableReason() {
		return this.unavailable;
	}

	/**
	 * Return why children start without Spring AOT although it was asked for, if they do.
	 * @return the reason, or {@code null} while they start with it, may still, or it was
	 * not asked for
	 */
	public @Nullable String springAotUnavailableReason() {
		return this.springAotUnavailable;
	}

	/**
	 * Stop: kill a training run in progress; children start plainly from now on.
	 */
	@Override
	public void close() {
		this.closed = true;
		Process running = this.step.get();
		if (running != null) {
			running.descendants().forEach(ProcessHandle::destroyForcibly);
			running.destroyForcibly();
		}
		this.availability.complete(false);
	}

	@Override
	public String toString() {
		String springAot = (this.springAot != null) ? ", with Spring AOT" : "";
		return "ClassDataCache[" + this.jar + " in " + this.directory + springAot + "]";
	}

	private void lookUp() {
		try {
			String manager = this.jvmArgs.stream()
				.filter((arg) -> SHARING_OPTIONS.stream().anyMatch(arg::startsWith))
				.findFirst()
				.orElse(null);
			if (manager != null) {
				throw new CacheUnavailableException("the JVM arguments manage class data sharing themselves (" + manager
						+ ")");
			}
			ChildJdk jdk = ChildJdk.of(this.javaBinary);
			String jarHash = sha256(this.jar);
			String keyed = String.join("\n", FORMAT, jarHash, jdk.fingerprint(), String.join("\n", this.jvmArgs));
			String configuration = configurationFingerprint();
			if (configuration != null) {
				keyed += "\nspring-aot\n" + configuration;
			}
			String key = hex(digest(keyed.getBytes(StandardCharsets.UTF_8))).substring(0, 20);
			Path entryDirectory = this.directory.resolve(jarName(this.jar) + "-" + key);
			ArchiveKind kind = ArchiveKind.of(jdk);
			CacheEntry existing = CacheEntry.read(entryDirectory, kind);
			Lookup found = new Lookup(entryDirectory, jdk, kind, existing, configuration != null);
			// availability first: a launch that found the entry must never see it still pending
			if (existing != null && existing.intact()) {
				if (found.springAot() && !existing.springAot()) {
					springAotUnavailable("its entry " + entryDirectory + " was made without it; see the logs there");
				}
				this.availability.complete(true);
			}
			this.lookup.complete(found);
		}
		catch (Exception ex) {
			unavailable(reason(ex), ex);
			this.lookup.completeExceptionally(ex);
		}
	}

	/**
	 * Return the hash of the children's configuration that keys an entry with Spring AOT, or
	 * {@code null} for an entry without: Spring AOT was not asked for, or the configuration
	 * cannot be read (then why is logged, and children still start from the archive).
	 */
	private @Nullable String configurationFingerprint() {
		if (this.springAot == null) {
			return null;
		}
		try {
			return ConfigurationFingerprint.of(this.springAot.childEnvironment(), System.getenv(),
					Path.of("").toAbsolutePath());
		}
		catch (IOException | RuntimeException ex) {
			springAotUnavailable("the children's configuration files cannot be read: " + ex.getMessage());
			return null;
		}
	}

	private @Nullable Lookup awaitLookup() {
		try {
			return this.lookup.get(LOOKUP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
		catch (ExecutionException | TimeoutException ex) {
			// unavailable was logged by the lookup, or it is slow: start plainly this time
			return null;
		}
	}

	private void prepare(Lookup found, Map<String, String> environment) {
		long start = System.nanoTime();
		try {
			CacheEntry made = make(found, environment);
			this.entry = made;
			if (logger.isInfoEnabled()) {
				logger.info(String.format(Locale.ROOT,
						"Class data sharing for child JVMs is ready (%s, %.1f MiB, made in %.1f s%s): children "
								+ "started from now on use it",
						made.archive(), made.size() / (1024.0 * 1024.0), (System.nanoTime() - start) / 1e9,
						made.springAot() ? ", with Spring AOT" : ""));
			}
			this.availability.complete(true);
		}
		catch (Exception ex) {
			unavailable(reason(ex), ex);
		}
	}

	private CacheEntry make(Lookup found, Map<String, String> environment) throws Exception {
		createDirectory(this.directory);
		Path entryDirectory = found.directory();
		Path lockFile = entryDirectory.resolveSibling(entryDirectory.getFileName() + ".lock");
		try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
				FileLock lock = tryLock(channel)) {
			if (lock == null) {
				throw new CacheUnavailableException("another process is making the entry " + entryDirectory
						+ "; children use it from the next start on");
			}
			CacheEntry other = CacheEntry.read(entryDirectory, found.kind());
			if (other != null && other.intact()) {
				return other;
			}
			delete(entryDirectory);
			Files.createDirectories(entryDirectory);
			Path appJar = extract(entryDirectory);
			Path archive = entryDirectory.resolve(found.kind().fileName());
			Map<String, String> training = new LinkedHashMap<>(environment);
			// the training run never starts its link, so nothing would watch its stdin
			training.remove(InstanceEnvironment.STDIN_GUARD);
			boolean springAot = found.springAot() && processAhead(found, appJar, training);
			if (springAot) {
				try {
					train(found, appJar, archive, training, true);
				}
				catch (CacheUnavailableException ex) {
					if (this.closed) {
						throw ex;
					}
					// the processed context did not start: the classes it left in the jar are
					// never used without the option
					springAotUnavailable(ex.reason() + " (with Spring AOT)");
					springAot = false;
				}
			}
			if (!springAot) {
				train(found, appJar, archive, training, false);
			}
			List<String> check = new ArrayList<>(this.jvmArgs);
			check.addAll(found.kind().checkOptions(archive));
			run("check of the archive", java(check, "-cp", appJar.toString(), "-version"), Map.of(),
					entryDirectory.resolve("check.log"));
			CacheEntry made = CacheEntry.write(entryDirectory, found.kind(), appJar, archive, springAot);
			pruneOthers(entryDirectory);
			return made;
		}
	}

	/**
	 * Process the application ahead of time into {@code appJar}.
	 * @return whether it was, or else why not was logged
	 */
	private boolean processAhead(Lookup found, Path appJar, Map<String, String> environment) {
		try {
			SpringAotProcessing.process(this::run, found.jdk(), this.javaBinary, this.jvmArgs, found.directory(), appJar,
					environment);
			return true;
		}
		catch (Exception ex) {
			if (this.closed) {
				return false;
			}
			springAotUnavailable(reason(ex));
			if (!(ex instanceof CacheUnavailableException) && logger.isDebugEnabled()) {
				logger.debug("Spring AOT processing failed", ex);
			}
			return false;
		}
	}

	/** One training run, which leaves the archive at {@code archive}. */
	private void train(Lookup found, Path appJar, Path archive, Map<String, String> environment, boolean springAot)
			throws Exception {
		Path partial = archive.resolveSibling("partial-" + archive.getFileName());
		Files.deleteIfExists(partial);
		List<String> train = new ArrayList<>(this.jvmArgs);
		train.addAll(found.kind().trainingOptions(partial));
		if (springAot) {
			train.add(SpringAot.ENABLED_OPTION);
		}
		train.add("-Dspring.context.exit=onRefresh");
		Path log = found.directory().resolve(springAot ? "training-spring-aot.log" : "training.log");
		run("training run", java(train, "-jar", appJar.toString()), environment, log);
		if (!Files.isRegularFile(partial) || Files.size(partial) == 0) {
			throw new CacheUnavailableException("the training run wrote no archive; see " + log);
		}
		Files.move(partial, archive, StandardCopyOption.ATOMIC_MOVE);
	}

	private void springAotUnavailable(String why) {
		if (this.springAotUnavailable == null) {
			this.springAotUnavailable = why;
			if (logger.isInfoEnabled()) {
				logger.info("Child JVMs start without Spring AOT: " + why);
			}
		}
	}

	private static @Nullable FileLock tryLock(FileChannel channel) throws IOException {
		try {
			return channel.tryLock();
		}
		catch (OverlappingFileLockException ex) {
			// this JVM holds it already (another cache of the same jar)
			return null;
		}
	}

	/**
	 * Extract the jar into {@code app/app.jar} of the entry: Boot's extracted layout (the
	 * application's classes in a jar whose manifest lists {@code lib/}) for an executable
	 * jar, whose nested jars no class data archive can hold; a copy for any other jar.
	 */
	private Path extract(Path entryDirectory) throws Exception {
		Path appDirectory = entryDirectory.resolve("app");
		Path appJar = appDirectory.resolve("app.jar");
		if (isBootJar(this.jar)) {
			run("extraction", java(List.of("-Djarmode=tools"), "-jar", this.jar.toString(), "extract", "--destination",
					appDirectory.toString(), "--application-filename", "app.jar"), Map.of(),
					entryDirectory.resolve("extract.log"));
		}
		else {
			Files.createDirectories(appDirectory);
			Files.copy(this.jar, appJar);
		}
		if (!Files.isRegularFile(appJar)) {
			throw new CacheUnavailableException("the extraction made no " + appJar + "; see "
					+ entryDirectory.resolve("extract.log"));
		}
		return appJar;
	}

	private static boolean isBootJar(Path jar) throws IOException {
		try (JarFile file = new JarFile(jar.toFile())) {
			Manifest manifest = file.getManifest();
			return manifest != null && manifest.getMainAttributes().getValue("Spring-Boot-Lib") != null;
		}
	}

	private List<String> java(List<String> options, String... rest) {
		List<String> command = new ArrayList<>();
		command.add(this.javaBinary);
		command.addAll(options);
		command.addAll(List.of(rest));
		return command;
	}

	private void run(String what, List<String> command, Map<String, String> environment, Path log) throws Exception {
		if (this.closed) {
			throw new CacheUnavailableException("the cache was closed");
		}
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
		builder.environment().putAll(environment);
		Process process = builder.start();
		this.step.set(process);
		try {
			if (this.closed) {
				close();
			}
			if (!process.waitFor(STEP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
				throw new CacheUnavailableException("the " + what + " did not end within " + STEP_TIMEOUT.toSeconds()
						+ " s; see " + log);
			}
			if (process.exitValue() != 0) {
				throw new CacheUnavailableException("the " + what + " exited with code " + process.exitValue()
						+ "; see " + log);
			}
		}
		finally {
			process.descendants().forEach(ProcessHandle::destroyForcibly);
			process.destroyForcibly();
			this.step.set(null);
		}
	}

	private static File nullDevice() {
		return new File(System.getProperty("os.name", "").startsWith("Windows") ? "NUL" : "/dev/null");
	}

	/** Keep the most recent other entries of the same jar name, delete older ones. */
	private void pruneOthers(Path kept) {
		String prefix = jarName(this.jar) + "-";
		try (Stream<Path> entries = Files.list(this.directory)) {
			List<Path> others = entries
				.filter((path) -> Files.isDirectory(path) && !path.equals(kept)
						&& path.getFileName().toString().startsWith(prefix))
				.sorted(Comparator.comparingLong(ClassDataCache::lastModified).reversed())
				.toList();
			others.stream().skip(OTHER_ENTRIES_KEPT).forEach(ClassDataCache::delete);
		}
		catch (IOException ex) {
			logger.debug("Could not prune the class data cache " + this.directory, ex);
		}
	}

	private static long lastModified(Path path) {
		try {
			return Files.getLastModifiedTime(path).toMillis();
		}
		catch (IOException ex) {
			return 0;
		}
	}

	private void unavailable(String why, @Nullable Throwable ex) {
		if (this.unavailable == null) {
			this.unavailable = why;
			if (!this.closed && logger.isInfoEnabled()) {
				logger.info("Child JVMs start without class data sharing: " + why);
			}
			if (ex != null && !(ex instanceof CacheUnavailableException) && logger.isDebugEnabled()) {
				logger.debug("Class data sharing failed", ex);
			}
		}
		this.availability.complete(false);
	}

	private static String reason(Exception ex) {
		if (ex instanceof CacheUnavailableException unavailable) {
			return unavailable.reason();
		}
		return ex.getClass().getSimpleName() + ": " + ex.getMessage();
	}

	private static void createDirectory(Path directory) throws IOException, CacheUnavailableException {
		if (!Files.isDirectory(directory)) {
			if (directory.getFileSystem().supportedFileAttributeViews().contains("posix")) {
				Files.createDirectories(directory,
						PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
			}
			else {
				Files.createDirectories(directory);
			}
		}
		if (directory.getFileSystem().supportedFileAttributeViews().contains("posix")) {
			Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(directory);
			if (permissions.contains(PosixFilePermission.GROUP_WRITE)
					|| permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
				// an archive planted by another user would run as code in every child
				throw new CacheUnavailableException("the cache directory " + directory
						+ " is writable by other users than its owner");
			}
		}
	}

	private static void delete(Path path) {
		try {
			FileSystemUtils.deleteRecursively(path);
		}
		catch (IOException ex) {
			logger.debug("Could not delete " + path, ex);
		}
	}

	private static String jarName(Path jar) {
		String name = jar.getFileName().toString();
		String base = name.toLowerCase(Locale.ROOT).endsWith(".jar") ? name.substring(0, name.length() - 4) : name;
		return base.replaceAll("[^A-Za-z0-9._-]", "_");
	}

	private static String sha256(Path file) throws IOException {
		MessageDigest digest = sha256();
		byte[] buffer = new byte[64 * 1024];
		try (InputStream in = Files.newInputStream(file)) {
			int read;
			while ((read = in.read(buffer)) >= 0) {
				digest.update(buffer, 0, read);
			}
		}
		return hex(digest.digest());
	}

	private static byte[] digest(byte[] bytes) {
		return sha256().digest(bytes);
	}

	private static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every JDK has SHA-256", ex);
		}
	}

	private static String hex(byte[] bytes) {
		return HexFormat.of().formatHex(bytes);
	}

	/**
	 * How a child starts from the cache.
	 *
	 * @param jar the extracted application jar, to run with {@code -jar}
	 * @param jvmOptions the options that make the JVM use the archive, added after the
	 * child's own JVM arguments
	 */
	public record Launch(String jar, List<String> jvmOptions) {

		/**
		 * Copy the options.
		 */
		public Launch {
			jvmOptions = List.copyOf(jvmOptions);
		}

	}

	/**
	 * Where the entry of this jar, JDK and JVM arguments is, what was found there, and
	 * whether it is to hold the application processed by Spring AOT.
	 */
	private record Lookup(Path directory, ChildJdk jdk, ArchiveKind kind, @Nullable CacheEntry entry,
			boolean springAot) {
	}

}
