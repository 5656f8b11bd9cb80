package dev.discordoo.sharding.manager;

/**
 * A child process for {@link ChildProcessTests} that fails before it is ready: prints a
 * line, then exits with the code given as first argument.
 */
final class ExitingChildMain {

	private ExitingChildMain() {
	}

	public static void main(String[] args) {
		System.out.println("failing on purpose");
		System.exit(Integer.parseInt(args[0]));
	}

}
