package dev.discordoo.sharding.manager;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.discordoo.sharding.manager.ChildProcess.Output;
import dev.discordoo.sharding.manager.ChildProcess.ReadyLine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ChildProcess}, with real child JVMs.
 */
@ExtendWith(OutputCaptureExtension.class)
@EnabledOnOs({ OS.LINUX, OS.MAC })
class ChildProcessTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final String INSTANCE_ID = "7005255094308110121986913758326292481";

	private final String token = newToken();

	private final List<ChildProcess> children = new CopyOnWriteArrayList<>();

	private final List<Long> grandchildPids = new CopyOnWriteArrayList<>();

	private final List<String> lines = new CopyOnWriteArrayList<>();

	@AfterEach
	void destroyEveryProcess() {
		this.children.forEach(ChildProcess::destroyForcibly);
		// A grandchild whose parent exited on its own is no longer in any tree.
		this.grandchildPids.forEach((pid) -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
		await().atMost(TIMEOUT).until(() -> this.children.stream().noneMatch(ChildProcess::isAlive)
				&& this.grandchildPids.stream().noneMatch(ManagerTestSupport::isAlive));
	}

	@Test
	void readyLineCompletesReadyAndOtherLinesAreForwarded(CapturedOutput output) throws Exception {
		ChildProcess child = start(2, ReadyChildMain.class, "45678");
		ReadyLine ready = child.ready().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		assertThat(ready).isEqualTo(new ReadyLine(45678, INSTANCE_ID));
		await().atMost(TIMEOUT).until(() -> this.lines.contains("STDOUT after ready"));
		assertThat(this.lines).contains("STDOUT starting instance 2", "STDERR a warning on stderr",
				"STDOUT DISCORDOO-IPC-READY port=45678 id=12x", "STDOUT DISCORDOO-IPC-READY port=1 id=1");
		assertThat(this.lines).doesNotContain("STDOUT DISCORDOO-IPC-READY port=45678 id=" + INSTANCE_ID);
		assertThat(output.getOut()).contains("INFO", "[instance 2] starting instance 2", "[instance 2] after ready")
			.contains("WARN", "[instance 2] a warning on stderr");
		assertThat(child.isAlive()).isTrue();
		assertThat(child.pid()).isPositive();
		assertThat(child.getInstanceIndex()).isEqualTo(2);
	}

	@Test
	void tokenReachesTheChildThroughItsEnvironmentOnly(CapturedOutput output) throws Exception {
		ChildProcess child = start(0, ReadyChildMain.class, "45678");
		child.ready().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		await().atMost(TIMEOUT).until(() -> this.lines.contains("STDOUT after ready"));
		assertThat(this.lines).contains("STDOUT token-sha256=" + ReadyChildMain.sha256(this.token));
		assertThat(commandLine(child.pid())).contains(ReadyChildMain.class.getName()).doesNotContain(this.token);
		assertThat(ProcessHandle.of(child.pid()).orElseThrow().info().commandLine()).isPresent()
			.get(InstanceOfAssertFactories.STRING)
			.doesNotContain(this.token);
		assertThat(this.lines).noneMatch((line) -> line.contains(this.token));
		assertThat(output.getAll()).doesNotContain(this.token);
	}

	@Test
	void tokenOnTheCommandLineIsRefusedWithoutBeingShown() {
		List<String> command = ChildJvmCommand.forCurrentJvm(ReadyChildMain.class.getName())
			.withArgs(List.of(this.token))
			.toCommandLine();
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ChildProcess.start(0, command, Map.of("DISCORDOO_SHARDING_TOKEN", this.token)))
			.satisfies((ex) -> assertThat(ex.getMessage()).doesNotContain(this.token));
	}

	@Test
	void exitBeforeReadyFailsReadyWithTheExitCode() throws Exception {
		ChildProcess child = start(1, ExitingChildMain.class, "3");
		assertThat(child.onExit().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(3);
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> child.ready().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
			.havingCause()
			.isInstanceOfSatisfying(ChildProcessExitedException.class, (ex) -> {
				assertThat(ex.getExitCode()).isEqualTo(3);
				assertThat(ex.getInstanceIndex()).isEqualTo(1);
				assertThat(ex.getPid()).isEqualTo(child.pid());
			});
		assertThat(this.lines).contains("STDOUT failing on purpose");
		assertThat(child.isAlive()).isFalse();
	}

	@Test
	void exitBeforeReadyFailsReadyEvenIfAGrandchildKeepsStdoutOpen() throws Exception {
		ChildProcess child = start(1, GrandparentChildMain.class, "exit");
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> child.ready().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
			.havingCause()
			.isInstanceOfSatisfying(ChildProcessExitedException.class, (ex) -> assertThat(ex.getExitCode()).isEqualTo(4));
		assertThat(this.grandchildPids).singleElement().satisfies((pid) -> assertThat(ManagerTestSupport.isAlive(pid)).isTrue());
	}

	@Test
	void destroyForciblyKillsTheWholeTree() throws Exception {
		ChildProcess child = start(3, GrandparentChildMain.class);
		child.ready().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		assertThat(this.grandchildPids).hasSize(1);
		long grandchildPid = this.grandchildPids.get(0);
		assertThat(ProcessHandle.of(child.pid()).orElseThrow().descendants().map(ProcessHandle::pid))
			.contains(grandchildPid);
		CompletableFuture<Integer> exit = child.onExit();
		child.destroyForcibly();
		child.destroyForcibly();
		await().atMost(TIMEOUT).until(() -> !ManagerTestSupport.isAlive(child.pid()) && !ManagerTestSupport.isAlive(grandchildPid));
		assertThat(exit.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(137);
		assertThat(child.isAlive()).isFalse();
		child.destroyForcibly();
	}

	@Test
	void destroyGracefullyTerminatesTheProcess() throws Exception {
		ChildProcess child = start(0, ReadyChildMain.class, "45678");
		child.ready().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		child.destroyGracefully();
		// 128 + SIGTERM: the JVM ran its shutdown sequence rather than being killed
		assertThat(child.onExit().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(143);
	}

	private ChildProcess start(int index, Class<?> mainClass, String... args) throws IOException {
		List<String> command = ChildJvmCommand.forCurrentJvm(mainClass.getName())
			.withJvmArgs(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx32m"))
			.withArgs(List.of(args))
			.toCommandLine();
		Map<String, String> environment = Map.of("DISCORDOO_SHARDING_MANAGER_ID", "1",
				"DISCORDOO_SHARDING_INSTANCE_ID", INSTANCE_ID, "DISCORDOO_SHARDING_INSTANCE_INDEX",
				Integer.toString(index), "DISCORDOO_SHARDING_TOKEN", this.token);
		ChildProcess child = ChildProcess.start(index, command, environment, this::onLine);
		this.children.add(child);
		return child;
	}

	private void onLine(Output output, String line) {
		if (line.startsWith("grandchild-pid=")) {
			this.grandchildPids.add(Long.parseLong(line.substring("grandchild-pid=".length())));
		}
		this.lines.add(output + " " + line);
	}

	/**
	 * The whole command line of a process: {@link ProcessHandle.Info#commandLine()} is
	 * truncated on Linux, and the token could hide past the cut.
	 */
	private static String commandLine(long pid) throws IOException {
		Path cmdline = Path.of("/proc", Long.toString(pid), "cmdline");
		if (Files.isReadable(cmdline)) {
			return new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8).replace('\0', ' ');
		}
		return ProcessHandle.of(pid).orElseThrow().info().commandLine().orElseThrow();
	}

	private static String newToken() {
		byte[] bytes = new byte[32];
		new SecureRandom().nextBytes(bytes);
		return HexFormat.of().formatHex(bytes);
	}

}
