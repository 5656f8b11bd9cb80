package dev.discordoo.sharding.manager;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.discordoo.sharding.ipc.ShardingThreads;

/**
 * A sharding instance running as a child process of the sharding manager.
 *
 * <p>The child's stdout and stderr are read line by line on two daemon threads. The first
 * stdout line that is exactly {@code DISCORDOO-IPC-READY port=<port> id=<decimal id>}
 * completes {@link #ready()}; every other line is forwarded to this class's log prefixed
 * with the instance index ({@code [instance 2] ...}), stdout at INFO and stderr at WARN,
 * and handed to the optional {@link OutputListener}. Both streams are always drained, so a
 * chatty child never blocks on a full pipe.
 *
 * <p>The environment given to {@link #start} is added to the manager's own environment and
 * is never logged: it carries the instance token.
 *
 * <p>Longer than most classes here because one process is one thing to own: its streams, its
 * exit and its destruction share the same lifetime, and a third of the length is the small
 * public types that describe its output.
 */
public final class ChildProcess {

	private static final Log logger = LogFactory.getLog(ChildProcess.class);

	private static final Pattern READY_LINE = Pattern.compile("DISCORDOO-IPC-READY port=([0-9]{1,5}) id=([0-9]+)");

	private static final String TOKEN_VARIABLE = "DISCORDOO_SHARDING_TOKEN";

	/**
	 * How long to wait, once the process has exited, for the rest of its stdout: the ready
	 * line may still be in the pipe. A grandchild that inherited stdout can keep the pipe
	 * open for ever, so the wait is bounded.
	 */
	private static final long OUTPUT_DRAIN_MILLIS = 1000;

	private final int instanceIndex;

	private final Process process;

	/**
	 * The child's stdin, held open and never written: an instance started with
	 * {@code DISCORDOO_SHARDING_STDIN_GUARD} exits when it ends, that is when this JVM is
	 * gone, however it went.
	 */
	private final OutputStream stdin;

	private final @Nullable OutputListener outputListener;

	/** Set by whichever of the ready line and the exit settles {@link #ready} first. */
	private final AtomicBoolean readySettled = new AtomicBoolean();

	private final CompletableFuture<ReadyLine> ready = new CompletableFuture<>();

	private final CompletableFuture<Void> stdoutClosed = new CompletableFuture<>();

	private final CompletableFuture<Integer> exit;

	private final AtomicBoolean destroying = new AtomicBoolean();

	private volatile String label;

	private ChildProcess(int instanceIndex, Process process, @Nullable OutputListener outputListener) {
		this.instanceIndex = instanceIndex;
		this.label = "instance " + instanceIndex;
		this.process = process;
		this.stdin = process.getOutputStream();
		this.outputListener = outputListener;
		this.exit = process.onExit().thenApply(Process::exitValue);
	}

	/**
	 * Start a child process.
	 * @param instanceIndex the index of the instance the process runs, used to prefix its
	 * output in the log
	 * @param command the command line, for example {@link ChildJvmCommand#toCommandLine()}
	 * @param environment variables added to the manager's environment for the child
	 * @return the started process
	 * @throws IOException if the process cannot be started
	 * @throws IllegalArgumentException if the instance token appears on the command line
	 */
	public static ChildProcess start(int instanceIndex, List<String> command, Map<String, String> environment)
			throws IOException {
		return start(instanceIndex, command, environment, null);
	}

	/**
	 * Start a child process.
	 * @param instanceIndex the index of the instance the process runs, used to prefix its
	 * output in the log
	 * @param command the command line, for example {@link ChildJvmCommand#toCommandLine()}
	 * @param environment variables added to the manager's environment for the child
	 * @param outputListener a listener for every forwarded output line, or {@code null}
	 * @return the started process
	 * @throws IOException if the process cannot be started
	 * @throws IllegalArgumentException if the instance token appears on the command line
	 */
	public static ChildProcess start(int instanceIndex, List<String> command, Map<String, String> environment,
			@Nullable OutputListener outputListener) throws IOException {
		if (command == null || command.isEmpty() || command.stream().anyMatch((argument) -> argument == null)) {
			throw new IllegalArgumentException("command must not be empty nor contain null");
		}
		checkEnvironment(command, environment);
		ProcessBuilder builder = new ProcessBuilder(command);
		builder.environment().putAll(environment);
		Process process = builder.start();
		if (logger.isDebugEnabled()) {
			logger.debug("Started sharding instance " + instanceIndex + " (pid " + process.pid() + "): "
					+ ChildJvmCommand.redact(command));
		}
		ChildProcess child = new ChildProcess(instanceIndex, process, outputListener);
		try {
			child.watchExit();
			child.startReader(process.inputReader(), Output.STDOUT);
			child.startReader(process.errorReader(), Output.STDERR);
		}
		catch (RuntimeException | Error ex) {
			// Nobody else holds the process yet: without this it would outlive the failure.
			child.destroyForcibly();
			throw ex;
		}
		return child;
	}

	private static void checkEnvironment(List<String> command, Map<String, String> environment) {
		if (environment == null) {
			throw new IllegalArgumentException("environment must not be null");
		}
		environment.forEach((name, value) -> {
			if (name == null || value == null) {
				// name only: the value may be a secret
				throw new IllegalArgumentException("environment variable " + name + " must have a name and a value");
			}
		});
		String token = environment.get(TOKEN_VARIABLE);
		if (token != null && !token.isEmpty() && command.stream().anyMatch((argument) -> argument.contains(token))) {
			throw new IllegalArgumentException("The instance token must not appear on the command line");
		}
	}

	private void watchExit() {
		this.exit.thenAccept((exitCode) -> {
			closeStdin();
			if (logger.isDebugEnabled()) {
				logger.debug("Sharding instance " + this.instanceIndex + " (pid " + pid() + ") exited with code "
						+ exitCode);
			}
		});
		this.exit
			.thenCompose((exitCode) -> this.stdoutClosed.copy()
				.completeOnTimeout(null, OUTPUT_DRAIN_MILLIS, TimeUnit.MILLISECONDS)
				.thenApply((closed) -> exitCode))
			.thenAcceptAsync(this::exitedBeforeReady);
	}

	private void closeStdin() {
		try {
			this.stdin.close();
		}
		catch (IOException ex) {
			// the process is gone: nothing is left to tell
		}
	}

	private void startReader(BufferedReader reader, Output output) {
		ShardingThreads.startDaemon(
				"discordoo-instance-" + this.instanceIndex + "-" + output.name().toLowerCase(Locale.ROOT) + "-",
				() -> read(reader, output));
	}

	private void read(BufferedReader reader, Output output) {
		try (reader) {
			String line;
			while ((line = reader.readLine()) != null) {
				if (output != Output.STDOUT || !readyLine(line)) {
					forward(output, line);
				}
			}
		}
		catch (IOException ex) {
			// The pipe breaks when the process is destroyed: nothing more to read.
			if (logger.isTraceEnabled()) {
				logger.trace("Stopped reading " + output + " of sharding instance " + this.instanceIndex, ex);
			}
		}
		finally {
			if (output == Output.STDOUT) {
				this.stdoutClosed.complete(null);
			}
		}
	}

	/**
	 * Settle {@link #ready} if the line is the first ready line.
	 * @return whether the line was consumed
	 */
	private boolean readyLine(String line) {
		if (this.readySettled.get()) {
			return false;
		}
		Matcher matcher = READY_LINE.matcher(line);
		if (!matcher.matches()) {
			return false;
		}
		int port = Integer.parseInt(matcher.group(1));
		if (port < 1 || port > 65535 || !this.readySettled.compareAndSet(false, true)) {
			return false;
		}
		ReadyLine readyLine = new ReadyLine(port, matcher.group(2));
		// Completed off the reader thread: dependent stages must not stall the draining of
		// the child's output.
		this.ready.completeAsync(() -> readyLine);
		return true;
	}

	private void exitedBeforeReady(int exitCode) {
		if (this.readySettled.compareAndSet(false, true)) {
			this.ready.completeExceptionally(new ChildProcessExitedException(this.instanceIndex, pid(), exitCode));
		}
	}

	private void forward(Output output, String line) {
		if (output == Output.STDERR) {
			if (logger.isWarnEnabled()) {
				logger.warn("[" + this.label + "] " + line);
			}
		}
		else if (logger.isInfoEnabled()) {
			logger.info("[" + this.label + "] " + line);
		}
		if (this.outputListener != null) {
			try {
				this.outputListener.onLine(output, line);
			}
			catch (RuntimeException ex) {
				// Keep reading whatever the listener does, or the child blocks on a full pipe.
				logger.warn("Output listener of sharding instance " + this.instanceIndex + " failed", ex);
			}
		}
	}

	/**
	 * Return the index of the instance this process runs.
	 * @return the instance index
	 */
	public int getInstanceIndex() {
		return this.instanceIndex;
	}

	/**
	 * Set what the child's forwarded output lines are prefixed with, such as {@code spare 0}
	 * or {@code instance 2}: a spare that takes over an instance is relabelled.
	 * @param label the prefix, without brackets
	 */
	public void setLabel(String label) {
		this.label = label;
	}

	/**
	 * Return the operating system id of the process.
	 * @return the process id
	 */
	public long pid() {
		return this.process.pid();
	}

	/**
	 * Return a future of the child's ready line. It completes exceptionally with a
	 * {@link ChildProcessExitedException} if the process exits without printing it.
	 * @return a new future of the ready line; cancelling it does not affect the process
	 */
	public CompletableFuture<ReadyLine> ready() {
		return this.ready.copy();
	}

	/**
	 * Return a future of the process exit.
	 * @return a new future of the exit code; cancelling it does not affect the process
	 */
	public CompletableFuture<Integer> onExit() {
		return this.exit.copy();
	}

	/**
	 * Return whether the process is still running.
	 * @return whether the process is alive
	 */
	public boolean isAlive() {
		return this.process.isAlive();
	}

	/**
	 * Ask the process to terminate: SIGTERM on Unix, so that the instance can stop its
	 * client and exit cleanly. Does not wait for the exit; see {@link #onExit()}. Where the
	 * platform has no graceful termination (Windows), the process is killed.
	 */
	public void destroyGracefully() {
		// Through the handle: Process.destroy() would also close the pipes, losing what the
		// instance logs while it stops, and its stdin, which it may take as a signal too.
		this.process.toHandle().destroy();
	}

	/**
	 * Kill the process and every process it started, at any depth. Does not wait for the
	 * exits; see {@link #onExit()}. Calling it again, or after the process has exited, is
	 * harmless.
	 * <p>Descendants are killed first because once the process is gone its children are
	 * re-parented and can no longer be found from it. A descendant started between the
	 * snapshot of the tree and the kill of the process escapes; an instance's own
	 * children are expected to stop when it loses its manager.
	 */
	public void destroyForcibly() {
		List<ProcessHandle> descendants = this.process.descendants().toList();
		if (this.destroying.compareAndSet(false, true) && logger.isDebugEnabled()) {
			logger.debug("Destroying sharding instance " + this.instanceIndex + " (pid " + pid() + ") and "
					+ descendants.size() + " descendant process(es)");
		}
		descendants.forEach(ProcessHandle::destroyForcibly);
		// Through the handle, so that the readers still drain what the process wrote.
		this.process.toHandle().destroyForcibly();
	}

	@Override
	public String toString() {
		return "ChildProcess[instance=" + this.instanceIndex + ", pid=" + pid() + "]";
	}

	/**
	 * The IPC ready line of a sharding instance.
	 *
	 * @param port the TCP port the instance's IPC server listens on
	 * @param id the instance's snowflake, as a decimal string
	 */
	public record ReadyLine(int port, String id) {
	}

	/**
	 * The output stream a line was read from.
	 */
	public enum Output {

		/** The child's standard output. */
		STDOUT,

		/** The child's standard error. */
		STDERR

	}

	/**
	 * A listener for the output lines of a child process that are forwarded to the log
	 * (every line but the ready line). Called on the thread reading the stream: it must not
	 * block, or the child eventually blocks on a full pipe.
	 */
	@FunctionalInterface
	public interface OutputListener {

		/**
		 * Called for each forwarded line.
		 * @param output the stream the line was read from
		 * @param line the line, without its line terminator and without the log prefix
		 */
		void onLine(Output output, String line);

	}

}
