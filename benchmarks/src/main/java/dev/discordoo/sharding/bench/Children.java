package dev.discordoo.sharding.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Starts the JVMs a benchmark needs (with this JVM's java binary and class path) and makes
 * sure none outlives it: every process is destroyed with its whole tree in the scenarios'
 * finally blocks, and once more by a shutdown hook.
 */
final class Children {

	private static final Set<ProcessHandle> started = ConcurrentHashMap.newKeySet();

	static {
		Runtime.getRuntime().addShutdownHook(new Thread(Children::destroyAll, "bench-children-reaper"));
	}

	private Children() {
	}

	/**
	 * Start a JVM running a main class of this class path.
	 * @param jvmArgs JVM arguments
	 * @param mainClass the main class
	 * @param args its arguments
	 * @param environment extra environment variables
	 * @return the process; its stdout is for the caller to read, stderr is passed through
	 */
	static Process startJvm(List<String> jvmArgs, String mainClass, List<String> args, Map<String, String> environment)
			throws IOException {
		return start(jvmArgs, List.of("-cp", System.getProperty("java.class.path"), mainClass), args, environment);
	}

	/**
	 * Start a JVM running a jar with {@code -jar}.
	 * @param jvmArgs JVM arguments
	 * @param jar the jar
	 * @param args its arguments
	 * @param environment extra environment variables
	 * @return the process; its stdout is for the caller to read, stderr is passed through
	 */
	static Process startJar(List<String> jvmArgs, String jar, List<String> args, Map<String, String> environment)
			throws IOException {
		return start(jvmArgs, List.of("-jar", jar), args, environment);
	}

	private static Process start(List<String> jvmArgs, List<String> what, List<String> args,
			Map<String, String> environment) throws IOException {
		List<String> command = new ArrayList<>();
		command.add(javaBinary());
		command.addAll(jvmArgs);
		command.addAll(what);
		command.addAll(args);
		ProcessBuilder builder = new ProcessBuilder(command);
		builder.environment().putAll(environment);
		builder.redirectError(ProcessBuilder.Redirect.INHERIT);
		Process process = builder.start();
		started.add(process.toHandle());
		return process;
	}

	/**
	 * Start a process that is not a JVM of this class path (a peer in another language).
	 * @param command the command line
	 * @param directory its working directory
	 * @return the process; its stdout is for the caller to read, stderr is passed through
	 */
	static Process start(List<String> command, Path directory) throws IOException {
		ProcessBuilder builder = new ProcessBuilder(command);
		builder.directory(directory.toFile());
		builder.redirectError(ProcessBuilder.Redirect.INHERIT);
		Process process = builder.start();
		started.add(process.toHandle());
		return process;
	}

	/**
	 * Read a process's stdout until a line matches, then keep draining it on a daemon thread.
	 * @return the matching line, or a failed future if the stream ends first
	 */
	static CompletableFuture<String> awaitLine(Process process, Predicate<String> matches) {
		CompletableFuture<String> line = new CompletableFuture<>();
		Thread reader = new Thread(() -> {
			try (BufferedReader in = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
				String next;
				while ((next = in.readLine()) != null) {
					if (!line.isDone() && matches.test(next)) {
						line.complete(next);
					}
				}
			}
			catch (IOException ex) {
				// the process is gone
			}
			line.completeExceptionally(new IllegalStateException("process " + process.pid() + " ended its output"));
		}, "bench-child-stdout-" + process.pid());
		reader.setDaemon(true);
		reader.start();
		return line;
	}

	/** Destroy a process and everything it started, and wait until they are gone. */
	static void destroyTree(ProcessHandle root) {
		List<ProcessHandle> tree = new ArrayList<>(root.descendants().toList());
		tree.add(root);
		tree.forEach(ProcessHandle::destroyForcibly);
		for (ProcessHandle handle : tree) {
			try {
				handle.onExit().get(10, TimeUnit.SECONDS);
			}
			catch (Exception ex) {
				System.err.println("process " + handle.pid() + " still running after kill: " + ex);
			}
		}
		started.remove(root);
	}

	/** Destroy every process this JVM started, directly or not. */
	static void destroyAll() {
		for (ProcessHandle handle : List.copyOf(started)) {
			destroyTree(handle);
		}
		ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
	}

	/** Return how many processes below this JVM are alive. */
	static long liveDescendants() {
		return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count();
	}

	/** Wait up to a deadline for every process below this JVM to be gone. */
	static long awaitNoDescendants(long millis) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
		long alive;
		while ((alive = liveDescendants()) > 0 && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		return alive;
	}

	/**
	 * Return a process's resident set size from {@code /proc/<pid>/status}.
	 * @return bytes, or -1 if it cannot be read
	 */
	static long rssBytes(long pid) {
		try {
			for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
				if (line.startsWith("VmRSS:")) {
					String[] parts = line.substring(6).trim().split("\\s+");
					return Long.parseLong(parts[0]) * 1024;
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// not Linux, or the process is gone
		}
		return -1;
	}

	/**
	 * Return the CPU time a process has used so far (user and system, all threads), from
	 * {@code /proc/<pid>/stat}, in clock ticks of 10 ms.
	 * @return nanoseconds, or -1 if it cannot be read
	 */
	static long cpuNanos(long pid) {
		try {
			String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
			// the command name may hold spaces: fields are counted after its closing parenthesis
			String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
			return ticks * 10_000_000L;
		}
		catch (IOException | RuntimeException ex) {
			return -1;
		}
	}

	/**
	 * Return the context switches (voluntary and not) of every thread of this JVM so far,
	 * from {@code /proc/self/task/<tid>/status}.
	 * @return the count, or -1 where /proc cannot be read
	 */
	static long contextSwitches() {
		long total = 0;
		try (var tasks = Files.list(Path.of("/proc/self/task"))) {
			for (Path task : tasks.toList()) {
				try {
					for (String line : Files.readAllLines(task.resolve("status"))) {
						if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
							total += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
						}
					}
				}
				catch (IOException | RuntimeException ex) {
					// the thread ended meanwhile
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			return -1;
		}
		return total;
	}

	static String javaBinary() {
		return ProcessHandle.current().info().command()
			.orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
	}

}
