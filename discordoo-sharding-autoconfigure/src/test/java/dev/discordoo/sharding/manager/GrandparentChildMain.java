package dev.discordoo.sharding.manager;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;

/**
 * A child process for {@link ChildProcessTests} that starts a grandchild ({@code sleep 600},
 * which does not end with its parent) and prints its pid.
 * <p>Without arguments it then prints a ready line and waits until its stdin closes. With
 * the argument {@code exit} the grandchild shares its stdout, and it exits with code 4
 * before being ready: the pipe stays open after its exit.
 */
final class GrandparentChildMain {

	private GrandparentChildMain() {
	}

	public static void main(String[] args) throws IOException {
		boolean exit = args.length > 0 && args[0].equals("exit");
		Process grandchild = new ProcessBuilder("sleep", "600")
			.redirectOutput(exit ? Redirect.INHERIT : Redirect.DISCARD)
			.redirectError(Redirect.DISCARD)
			.start();
		System.out.println("grandchild-pid=" + grandchild.pid());
		if (exit) {
			System.exit(4);
		}
		System.out.println("DISCORDOO-IPC-READY port=4000 id=1");
		while (System.in.read() != -1) {
			// Ignore input: only its end matters.
		}
	}

}
