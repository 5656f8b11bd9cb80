package dev.discordoo.sharding.autoconfigure;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.jspecify.annotations.Nullable;

/**
 * What the running application was started from, so that instances can be started the same
 * way: the main class for child processes, the sources for workers. Registered as a bean by
 * {@link Recorder}.
 *
 * @param mainClass the class with the {@code main} method, or {@code null} if unknown
 * @param sources the application's primary source classes
 */
public record ShardingApplicationSources(@Nullable Class<?> mainClass, List<Class<?>> sources) {

	static final String BEAN_NAME = "discordooShardingApplicationSources";

	static ShardingApplicationSources of(SpringApplication application) {
		List<Class<?>> sources = application.getAllSources()
			.stream()
			.filter(Class.class::isInstance)
			.<Class<?>>map(Class.class::cast)
			.toList();
		// a primary source with a main method beats the stack-walk guess, which sees a test
		// runner's main when the application is started from a test
		Class<?> mainClass = sources.stream()
			.filter(ShardingApplicationSources::hasMainMethod)
			.findFirst()
			.orElse(application.getMainApplicationClass());
		return new ShardingApplicationSources(mainClass, sources);
	}

	private static boolean hasMainMethod(Class<?> type) {
		try {
			Method main = type.getDeclaredMethod("main", String[].class);
			return Modifier.isStatic(main.getModifiers());
		}
		catch (NoSuchMethodException ex) {
			return false;
		}
	}

	/**
	 * Records the sources of every application as it is prepared.
	 */
	static final class Recorder implements ApplicationListener<ApplicationPreparedEvent> {

		@Override
		public void onApplicationEvent(ApplicationPreparedEvent event) {
			var beanFactory = event.getApplicationContext().getBeanFactory();
			if (!beanFactory.containsSingleton(BEAN_NAME)) {
				beanFactory.registerSingleton(BEAN_NAME, of(event.getSpringApplication()));
			}
		}

	}

}
