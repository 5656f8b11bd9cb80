package dev.discordoo.sharding.manager;

import java.io.File;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link ChildJvmCommand}.
 */
class ChildJvmCommandTests {

	private static final String JAVA = "/opt/jdk/bin/java";

	private static final String CLASS_PATH = String.join(File.pathSeparator, "app/classes", "lib/a.jar", "lib/b.jar");

	private static final String MAIN = "com.example.BotApplication";

	@Test
	void classPathLaunchUsesTheJavaBinaryClassPathAndMainClass() {
		ChildJvmCommand command = ChildJvmCommand.forJvm(MAIN,
				properties(CLASS_PATH, MAIN + " --server.port=8080"), Optional.of(JAVA));
		assertThat(command.toCommandLine()).containsExactly(JAVA, "-cp", CLASS_PATH, MAIN);
		assertThat(command.getJar()).isNull();
		assertThat(command.getClassPath()).isEqualTo(CLASS_PATH);
		assertThat(command.getMainClass()).isEqualTo(MAIN);
	}

	@Test
	void jarLaunchIsRepeatedWithTheSameJar() {
		ChildJvmCommand command = ChildJvmCommand.forJvm(MAIN, properties("build/my bot.jar", "build/my bot.jar --debug"),
				Optional.of(JAVA));
		assertThat(command.getJar()).isEqualTo("build/my bot.jar");
		assertThat(command.toCommandLine()).containsExactly(JAVA, "-jar", "build/my bot.jar");
	}

	@Test
	void jarLaunchWithoutArgumentsIsRecognized() {
		ChildJvmCommand command = ChildJvmCommand.forJvm(MAIN, properties("app.JAR", "app.JAR"), Optional.of(JAVA));
		assertThat(command.toCommandLine()).containsExactly(JAVA, "-jar", "app.JAR");
	}

	@Test
	void singleJarClassPathWithAMainClassIsNotAJarLaunch() {
		ChildJvmCommand command = ChildJvmCommand.forJvm(MAIN, properties("app.jar", MAIN), Optional.of(JAVA));
		assertThat(command.toCommandLine()).containsExactly(JAVA, "-cp", "app.jar", MAIN);
	}

	@Test
	void launcherJarThatSetsItsOwnClassPathIsNotAJarLaunch() {
		// A test runner started with -jar booter.jar whose class path property is the real one
		ChildJvmCommand command = ChildJvmCommand.forJvm(MAIN,
				properties(CLASS_PATH, "target/booter.jar target/tmp run1"), Optional.of(JAVA));
		assertThat(command.toCommandLine()).containsExactly(JAVA, "-cp", CLASS_PATH, MAIN);
	}

	@Test
	void jarWhosePathOnlyPrefixesTheCommandIsNotAJarLaunch() {
		ChildJvmCommand command = ChildJvmCommand.forJvm(MAIN, properties("app.jar", "app.jar.bak.Main"),
				Optional.of(JAVA));
		assertThat(command.getJar()).isNull();
	}

	@Test
	void mainClassOverrideSwitchesAJarLaunchToClassPath() {
		ChildJvmCommand command = ChildJvmCommand.forJvm(MAIN, properties("app.jar", "app.jar"), Optional.of(JAVA))
			.withMainClass("com.example.Other");
		assertThat(command.toCommandLine()).containsExactly(JAVA, "-cp", "app.jar", "com.example.Other");
	}

	@Test
	void classPathOverrideSwitchesAJarLaunchToClassPath() {
		ChildJvmCommand command = ChildJvmCommand.forJvm(MAIN, properties("app.jar", "app.jar"), Optional.of(JAVA))
			.withClassPath("other/classes");
		assertThat(command.toCommandLine()).containsExactly(JAVA, "-cp", "other/classes", MAIN);
	}

	@Test
	void jvmArgsGoBeforeAndArgsAfterTheMainClass() {
		ChildJvmCommand command = ChildJvmCommand.forJvm(MAIN, properties(CLASS_PATH, MAIN), Optional.of(JAVA))
			.withJvmArgs(List.of("-Xmx256m", "-Dfoo=bar"))
			.withArgs(List.of("--spring.main.web-application-type=none"));
		assertThat(command.toCommandLine()).containsExactly(JAVA, "-Xmx256m", "-Dfoo=bar", "-cp", CLASS_PATH, MAIN,
				"--spring.main.web-application-type=none");
		assertThat(command).hasToString(JAVA + " -Xmx256m -Dfoo=****** -cp " + CLASS_PATH + " " + MAIN
				+ " --spring.main.web-application-type=******");
	}

	@Test
	void jvmArgsAndArgsSurroundAJar() {
		ChildJvmCommand command = ChildJvmCommand.forJvm(MAIN, properties("app.jar", "app.jar"), Optional.of(JAVA))
			.withJvmArgs(List.of("-Xmx256m"))
			.withArgs(List.of("--a"));
		assertThat(command.toCommandLine()).containsExactly(JAVA, "-Xmx256m", "-jar", "app.jar", "--a");
	}

	@Test
	void aJarReplacesTheClassPathAndMainClass() {
		ChildJvmCommand command = ChildJvmCommand.forJvm(MAIN, properties(CLASS_PATH, MAIN), Optional.of(JAVA))
			.withJvmArgs(List.of("-Xmx256m"))
			.withJar("/cache/app.jar");
		assertThat(command.toCommandLine()).containsExactly(JAVA, "-Xmx256m", "-jar", "/cache/app.jar");
		assertThat(command.getJar()).isEqualTo("/cache/app.jar");
		assertThat(ChildJvmCommand.forJar("bot.jar").toCommandLine()).endsWith("-jar", "bot.jar");
	}

	@Test
	void withMethodsReturnCopies() {
		ChildJvmCommand original = ChildJvmCommand.forJvm(MAIN, properties(CLASS_PATH, MAIN), Optional.of(JAVA));
		original.withJvmArgs(List.of("-Xmx1g")).withArgs(List.of("--a")).withMainClass("a.B").withClassPath("x");
		assertThat(original.toCommandLine()).containsExactly(JAVA, "-cp", CLASS_PATH, MAIN);
	}

	@Test
	void emptyClassPathLeavesItToTheJvm() {
		ChildJvmCommand command = ChildJvmCommand.forJvm(MAIN, properties(null, null), Optional.of(JAVA));
		assertThat(command.toCommandLine()).containsExactly(JAVA, MAIN);
	}

	@Test
	void javaBinaryFallsBackToJavaHome() {
		Map<String, String> properties = new HashMap<>();
		properties.put("java.home", "/opt/jre");
		properties.put("java.class.path", CLASS_PATH);
		ChildJvmCommand command = ChildJvmCommand.forJvm(MAIN, properties::get, Optional.empty());
		assertThat(command.getJavaBinary()).isEqualTo(Path.of("/opt/jre", "bin", "java").toString());
	}

	@Test
	void missingJavaBinaryAndJavaHomeFails() {
		assertThatIllegalStateException()
			.isThrownBy(() -> ChildJvmCommand.forJvm(MAIN, properties(CLASS_PATH, MAIN), Optional.empty()))
			.withMessageContaining("java.home");
	}

	@Test
	void invalidArgumentsAreRejected() {
		ChildJvmCommand command = ChildJvmCommand.forJvm(MAIN, properties(CLASS_PATH, MAIN), Optional.of(JAVA));
		assertThatIllegalArgumentException().isThrownBy(() -> ChildJvmCommand.forCurrentJvm(" "));
		assertThatIllegalArgumentException().isThrownBy(() -> command.withMainClass(""));
		assertThatIllegalArgumentException().isThrownBy(() -> command.withClassPath(""));
		assertThatIllegalArgumentException().isThrownBy(() -> command.withJvmArgs(Arrays.asList("-Xmx1g", null)));
		assertThatIllegalArgumentException().isThrownBy(() -> command.withArgs(null));
	}

	@Test
	void currentJvmUsesItsOwnBinaryAndClassPath() {
		ChildJvmCommand command = ChildJvmCommand.forCurrentJvm(MAIN);
		assertThat(command.getJavaBinary())
			.isEqualTo(ProcessHandle.current().info().command().orElseThrow());
		assertThat(command.getClassPath()).isEqualTo(System.getProperty("java.class.path"));
		// Under Maven the test JVM runs from a class path, not a jar
		assertThat(command.toCommandLine()).endsWith(MAIN);
	}

	@Test
	void toStringShowsTheFlagsButNotTheirValues() {
		ChildJvmCommand command = ChildJvmCommand.forJvm(MAIN, properties(CLASS_PATH, MAIN), Optional.of(JAVA))
			.withJvmArgs(List.of("-Xmx64m", "-Dbot.token=hunter2", "-javaagent:agent.jar=key=s3cret",
					"-XX:+UseSerialGC"))
			.withArgs(List.of("--spring.datasource.password=pa55"));
		assertThat(command).hasToString(JAVA + " -Xmx64m -Dbot.token=****** -javaagent:agent.jar=****** "
				+ "-XX:+UseSerialGC -cp " + CLASS_PATH + " " + MAIN + " --spring.datasource.password=******");
		assertThat(command.toCommandLine()).contains("-Dbot.token=hunter2");
	}

	private static UnaryOperator<String> properties(String classPath, String javaCommand) {
		Map<String, String> properties = new HashMap<>();
		properties.put("java.class.path", classPath);
		properties.put("sun.java.command", javaCommand);
		return properties::get;
	}

}
