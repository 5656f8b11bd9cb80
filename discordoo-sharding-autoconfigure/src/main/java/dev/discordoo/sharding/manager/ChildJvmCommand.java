package dev.discordoo.sharding.manager;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.UnaryOperator;

import org.jspecify.annotations.Nullable;

/**
 * The command line of a child JVM that runs the same application as the current JVM: the
 * same java binary, the same classpath and the application's main class, plus extra JVM
 * arguments and application arguments.
 *
 * <p>When the current JVM was started with {@code java -jar app.jar}, the child is started
 * the same way, so that an executable jar (whose classes are nested and cannot be put on a
 * plain classpath) works as is; the main class given to {@link #forCurrentJvm(String)} is
 * then not used, the jar's manifest decides. Overriding the main class or the classpath
 * switches to the {@code -cp <classpath> <main class>} form.
 *
 * <p>The command line holds no environment: secrets such as the instance token and the
 * instance properties are passed in the environment of the child, never as arguments,
 * because a command line is readable by every user of the machine; {@link #toString()}
 * hides the values of JVM arguments, which may still carry some. The current JVM's own arguments are deliberately not
 * copied: the manager's options (a server port, for example) must not make children
 * collide.
 *
 * <p>Instances are immutable; the {@code with...} methods return a modified copy.
 */
public final class ChildJvmCommand {

	private final String javaBinary;

	private final @Nullable String jar;

	private final String classPath;

	private final String mainClass;

	private final List<String> jvmArgs;

	private final List<String> args;

	private ChildJvmCommand(String javaBinary, @Nullable String jar, String classPath, String mainClass,
			List<String> jvmArgs, List<String> args) {
		this.javaBinary = javaBinary;
		this.jar = jar;
		this.classPath = classPath;
		this.mainClass = mainClass;
		this.jvmArgs = List.copyOf(jvmArgs);
		this.args = List.copyOf(args);
	}

	/**
	 * Create the command of a child that runs like the current JVM: its java binary and its
	 * classpath, or {@code -jar <jar>} if it was started from a jar.
	 * @param mainClass the fully qualified name of the application's main class, used unless
	 * the current JVM was started with {@code -jar}
	 * @return the command, without extra JVM arguments or application arguments
	 */
	public static ChildJvmCommand forCurrentJvm(String mainClass) {
		return forJvm(mainClass, System::getProperty, ProcessHandle.current().info().command());
	}

	/**
	 * Create the command of a child that runs a jar with {@code java -jar} and the current
	 * JVM's java binary, whatever the current JVM runs.
	 * @param jar the path of the jar, whose manifest decides the main class and class path
	 * @return the command, without extra JVM arguments or application arguments
	 */
	public static ChildJvmCommand forJar(String jar) {
		checkNotBlank("jar", jar);
		ChildJvmCommand current = forJvm(ChildJvmCommand.class.getName(), System::getProperty,
				ProcessHandle.current().info().command());
		return new ChildJvmCommand(current.javaBinary, jar, jar, "", List.of(), List.of());
	}

	/**
	 * Create the command of a child that runs like a described JVM. Separated from
	 * {@link #forCurrentJvm(String)} so that every way of launching can be tested.
	 * @param mainClass the application's main class
	 * @param systemProperties the system properties of the JVM to imitate
	 * @param javaCommand the executable of that JVM, if known
	 * @return the command
	 */
	static ChildJvmCommand forJvm(String mainClass, UnaryOperator<@Nullable String> systemProperties,
			Optional<String> javaCommand) {
		checkNotBlank("mainClass", mainClass);
		String javaBinary = javaCommand.filter((command) -> !command.isBlank())
			.orElseGet(() -> fallbackJavaBinary(systemProperties.apply("java.home")));
		String classPath = orEmpty(systemProperties.apply("java.class.path"));
		String jar = (isLaunchedJar(classPath, systemProperties.apply("sun.java.command"))) ? classPath : null;
		return new ChildJvmCommand(javaBinary, jar, classPath, mainClass, List.of(), List.of());
	}

	private static String fallbackJavaBinary(@Nullable String javaHome) {
		if (javaHome == null || javaHome.isBlank()) {
			throw new IllegalStateException("Cannot locate the java binary: the current process command and "
					+ "the 'java.home' system property are both unavailable");
		}
		return Path.of(javaHome, "bin", "java").toString();
	}

	/**
	 * A JVM started with {@code java -jar app.jar} has the jar alone as its classpath, and
	 * the launcher records the jar as the first word of {@code sun.java.command}; a JVM
	 * started with {@code -cp} records its main class there instead. Both must hold: a test
	 * runner started with {@code -jar} that then sets its own classpath is not a jar launch.
	 */
	private static boolean isLaunchedJar(String classPath, @Nullable String javaCommand) {
		if (classPath.isEmpty() || classPath.contains(File.pathSeparator)
				|| !classPath.toLowerCase(Locale.ROOT).endsWith(".jar") || javaCommand == null) {
			return false;
		}
		return javaCommand.equals(classPath) || javaCommand.startsWith(classPath + " ");
	}

	/**
	 * Return a copy that starts the given main class with {@code -cp}, even if the current
	 * JVM was started with {@code -jar} (the jar then stays on the classpath).
	 * @param mainClass the fully qualified name of the main class
	 * @return the modified copy
	 */
	public ChildJvmCommand withMainClass(String mainClass) {
		checkNotBlank("mainClass", mainClass);
		return new ChildJvmCommand(this.javaBinary, null, this.classPath, mainClass, this.jvmArgs, this.args);
	}

	/**
	 * Return a copy that uses the given classpath with {@code -cp}, even if the current JVM
	 * was started with {@code -jar}.
	 * @param classPath the classpath, entries separated by {@link File#pathSeparator}
	 * @return the modified copy
	 */
	public ChildJvmCommand withClassPath(String classPath) {
		checkNotBlank("classPath", classPath);
		return new ChildJvmCommand(this.javaBinary, null, classPath, this.mainClass, this.jvmArgs, this.args);
	}

	/**
	 * Return a copy that starts the given jar with {@code -jar}, whose manifest decides the
	 * main class and the class path.
	 * @param jar the path of the jar
	 * @return the modified copy
	 */
	public ChildJvmCommand withJar(String jar) {
		checkNotBlank("jar", jar);
		return new ChildJvmCommand(this.javaBinary, jar, jar, this.mainClass, this.jvmArgs, this.args);
	}

	/**
	 * Return a copy with the given JVM arguments (such as {@code -Xmx256m}), placed before the
	 * classpath and main class. They replace any set before.
	 * @param jvmArgs the JVM arguments
	 * @return the modified copy
	 */
	public ChildJvmCommand withJvmArgs(List<String> jvmArgs) {
		return new ChildJvmCommand(this.javaBinary, this.jar, this.classPath, this.mainClass,
				checkArguments("jvmArgs", jvmArgs), this.args);
	}

	/**
	 * Return a copy with the given application arguments, placed after the main class or
	 * jar. They replace any set before.
	 * @param args the application arguments
	 * @return the modified copy
	 */
	public ChildJvmCommand withArgs(List<String> args) {
		return new ChildJvmCommand(this.javaBinary, this.jar, this.classPath, this.mainClass, this.jvmArgs,
				checkArguments("args", args));
	}

	/**
	 * Return the java binary that starts the child.
	 * @return the path of the java executable
	 */
	public String getJavaBinary() {
		return this.javaBinary;
	}

	/**
	 * Return the jar the child is started from with {@code -jar}, if any.
	 * @return the jar, or {@code null} if the child is started with a classpath and main class
	 */
	public @Nullable String getJar() {
		return this.jar;
	}

	/**
	 * Return the classpath of the child. Not used when the child is started with
	 * {@code -jar}.
	 * @return the classpath, possibly empty
	 */
	public String getClassPath() {
		return this.classPath;
	}

	/**
	 * Return the main class of the child. Not used when the child is started with
	 * {@code -jar}.
	 * @return the fully qualified name of the main class
	 */
	public String getMainClass() {
		return this.mainClass;
	}

	/**
	 * Return the extra JVM arguments.
	 * @return the JVM arguments, unmodifiable
	 */
	public List<String> getJvmArgs() {
		return this.jvmArgs;
	}

	/**
	 * Return the application arguments.
	 * @return the application arguments, unmodifiable
	 */
	public List<String> getArgs() {
		return this.args;
	}

	/**
	 * Build the command line, ready for a {@link ProcessBuilder}.
	 * @return the java binary followed by its arguments, unmodifiable
	 */
	public List<String> toCommandLine() {
		List<String> command = new ArrayList<>();
		command.add(this.javaBinary);
		command.addAll(this.jvmArgs);
		if (this.jar != null) {
			command.add("-jar");
			command.add(this.jar);
		}
		else {
			if (!this.classPath.isEmpty()) {
				command.add("-cp");
				command.add(this.classPath);
			}
			command.add(this.mainClass);
		}
		command.addAll(this.args);
		return List.copyOf(command);
	}

	/**
	 * Return the command line as it may be logged: every flag with a value shows its name and
	 * hides its value ({@code -Dbot.secret=******}), since JVM arguments may carry secrets.
	 * @return the redacted command line
	 */
	@Override
	public String toString() {
		return redact(toCommandLine());
	}

	/**
	 * Join a command line for a log, hiding the value of every flag that has one.
	 * @param commandLine the command line
	 * @return the command line with {@code -name=value} shown as {@code -name=******}
	 */
	static String redact(List<String> commandLine) {
		List<String> shown = new ArrayList<>(commandLine.size());
		for (String argument : commandLine) {
			int equals = argument.indexOf('=');
			shown.add((argument.startsWith("-") && equals > 0) ? argument.substring(0, equals + 1) + "******" : argument);
		}
		return String.join(" ", shown);
	}

	private static List<String> checkArguments(String name, List<String> arguments) {
		if (arguments == null || arguments.stream().anyMatch((argument) -> argument == null)) {
			throw new IllegalArgumentException(name + " must not be null nor contain null");
		}
		return arguments;
	}

	private static void checkNotBlank(String name, @Nullable String value) {
		if (value == null || value.isBlank()) {
			throw new IllegalArgumentException(name + " must not be blank");
		}
	}

	private static String orEmpty(@Nullable String value) {
		return (value != null) ? value : "";
	}

}
