package dev.discordoo.sharding.listener;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

import org.springframework.aop.framework.ProxyFactory;
import org.springframework.aop.framework.autoproxy.BeanNameAutoProxyCreator;
import org.springframework.beans.factory.BeanInitializationException;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Scope;
import org.springframework.core.annotation.Order;

import dev.discordoo.sharding.ShardEventContext;
import dev.discordoo.sharding.ShardEventListener;
import dev.discordoo.sharding.ShardRequestHandler;
import dev.discordoo.sharding.ipc.RequestFailedException;
import dev.discordoo.sharding.protocol.ErrorCode;
import dev.discordoo.sharding.protocol.FrameCodec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link AnnotatedShardMessageHandler}.
 */
@ExtendWith(OutputCaptureExtension.class)
class AnnotatedShardMessageHandlerTests {

	private static final ShardEventContext FROM_MANAGER = new ShardEventContext(null, "1001", List.of());

	private static final ShardEventContext FROM_INSTANCE = new ShardEventContext(2, "2002", List.of(4, 5));

	private static final JsonMapper mapper = new FrameCodec().mapper();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withBean(AnnotatedShardMessageHandler.class, () -> new AnnotatedShardMessageHandler(mapper))
		.withBean(Recorder.class);

	@Test
	void recordPayloadAndSenderAreBoundForTheNamedEventOnly() {
		this.runner.withBean(GuildCountListener.class).run((context) -> {
			AnnotatedShardMessageHandler handler = context.getBean(AnnotatedShardMessageHandler.class);
			handler.onDispatch("GUILD_COUNT", json("{\"guilds\":42,\"shard\":5,\"unknown\":true}"), FROM_INSTANCE);
			handler.onDispatch("OTHER", json("{\"guilds\":1,\"shard\":1}"), FROM_INSTANCE);
			assertThat(context.getBean(Recorder.class).received)
				.containsExactly(List.of(new GuildCount(42, 5), FROM_INSTANCE));
		});
	}

	@Test
	void contextMayComeFirstAndEitherParameterMayBeLeftOut() {
		this.runner.withBean(FlexibleListener.class).run((context) -> {
			context.getBean(AnnotatedShardMessageHandler.class)
				.onDispatch("GUILD_COUNT", json("{\"guilds\":7,\"shard\":0}"), FROM_MANAGER);
			assertThat(context.getBean(Recorder.class).received).containsExactlyInAnyOrder(
					List.of("contextFirst", FROM_MANAGER, new GuildCount(7, 0)), List.of("contextOnly", FROM_MANAGER),
					List.of("nothing"));
		});
	}

	@Test
	void jsonNodeParameterGetsThePayloadAsItArrived() {
		this.runner.withBean(NodeListener.class).run((context) -> {
			AnnotatedShardMessageHandler handler = context.getBean(AnnotatedShardMessageHandler.class);
			JsonNode payload = json("[1,2,3]");
			handler.onDispatch("NODE", payload, FROM_MANAGER);
			handler.onDispatch("NODE", null, FROM_MANAGER);
			assertThat(context.getBean(Recorder.class).received).containsExactly(List.of(payload),
					List.of("no payload"));
		});
	}

	@Test
	void stringParameterGetsAStringsValueAndTheJsonTextOfAnythingElse() {
		this.runner.withBean(TextListener.class).run((context) -> {
			AnnotatedShardMessageHandler handler = context.getBean(AnnotatedShardMessageHandler.class);
			handler.onDispatch("TEXT", new StringNode("hi \"there\""), FROM_MANAGER);
			handler.onDispatch("TEXT", json("{\"a\":[1,true]}"), FROM_MANAGER);
			handler.onDispatch("TEXT", json("42"), FROM_MANAGER);
			handler.onDispatch("TEXT", null, FROM_MANAGER);
			assertThat(context.getBean(Recorder.class).received).containsExactly(List.of("hi \"there\""),
					List.of("{\"a\":[1,true]}"), List.of("42"), List.of("no payload"));
		});
	}

	@Test
	void listenerWithoutANameReceivesEveryEventAlongsideTheNamedOnes() {
		this.runner.withBean(EveryEventListener.class).run((context) -> {
			AnnotatedShardMessageHandler handler = context.getBean(AnnotatedShardMessageHandler.class);
			handler.onDispatch("A", json("1"), FROM_INSTANCE);
			handler.onDispatch("B", json("2"), FROM_MANAGER);
			assertThat(context.getBean(Recorder.class).received).containsExactly(List.of("every", 1, FROM_INSTANCE),
					List.of("a", 1), List.of("every", 2, FROM_MANAGER));
		});
	}

	@Test
	void listenersOfOneEventRunInOrder() {
		this.runner.withBean(OrderedListeners.class).run((context) -> {
			context.getBean(AnnotatedShardMessageHandler.class).onDispatch("ORDERED", null, FROM_MANAGER);
			assertThat(context.getBean(Recorder.class).received).containsExactly(List.of("every-first"),
					List.of("second"), List.of("third"), List.of("unordered-last"));
		});
	}

	@Test
	void throwingListenerIsLoggedAndTheOthersStillRun(CapturedOutput output) {
		this.runner.withBean(ThrowingListeners.class).run((context) -> {
			AnnotatedShardMessageHandler handler = context.getBean(AnnotatedShardMessageHandler.class);
			handler.onDispatch("BOOM", json("1"), FROM_INSTANCE);
			handler.onDispatch("BOOM", json("2"), FROM_INSTANCE);
			assertThat(context.getBean(Recorder.class).received).containsExactly(List.of("after", 1),
					List.of("after", 2));
			assertThat(output).contains("ERROR")
				.contains("@ShardEventListener " + ThrowingListeners.class.getName() + ".explode(int)")
				.contains("failed on event 'BOOM' from instance 2 (2002, shards [4, 5])")
				.contains("IllegalStateException: kaput 1")
				.contains("IllegalStateException: kaput 2");
		});
	}

	@Test
	void payloadThatDoesNotBindSkipsTheListenerWithAWarning(CapturedOutput output) {
		this.runner.withBean(GuildCountListener.class).withBean(NodeListener.class).run((context) -> {
			AnnotatedShardMessageHandler handler = context.getBean(AnnotatedShardMessageHandler.class);
			JsonNode bad = json("{\"guilds\":\"many\",\"shard\":1}");
			handler.onDispatch("GUILD_COUNT", bad, FROM_INSTANCE);
			handler.onDispatch("NODE", json("{\"a\":1}"), FROM_MANAGER);
			assertThat(context.getBean(Recorder.class).received).containsExactly(List.of("any", bad),
					List.of(json("{\"a\":1}")));
			assertThat(output).contains("WARN")
				.contains("Skipped @ShardEventListener " + GuildCountListener.class.getName()
						+ ".onCount(GuildCount, ShardEventContext)")
				.contains("for event 'GUILD_COUNT' from instance 2 (2002, shards [4, 5])")
				.contains("payload does not bind to GuildCount");
		});
	}

	@Test
	void subtypeOfJsonNodeOrPrimitiveThatDoesNotFitSkipsTheListener(CapturedOutput output) {
		this.runner.withBean(NarrowListeners.class).run((context) -> {
			AnnotatedShardMessageHandler handler = context.getBean(AnnotatedShardMessageHandler.class);
			handler.onDispatch("NARROW", json("[1]"), FROM_MANAGER);
			handler.onDispatch("NARROW", null, FROM_MANAGER);
			handler.onDispatch("NARROW", json("{\"x\":3}"), FROM_MANAGER);
			assertThat(context.getBean(Recorder.class).received).containsExactly(List.of("object", "null"),
					List.of("object", json("{\"x\":3}")));
			assertThat(output).contains("payload is a JSON ARRAY where ObjectNode is needed")
				.contains("payload is absent, parameter of type int needs one");
		});
	}

	@Test
	void secondPayloadParameterFailsStartupNamingBeanMethodAndParameter() {
		this.runner.withBean("twoPayloads", TwoPayloads.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).isInstanceOf(BeanInitializationException.class)
				.hasMessageContaining("@ShardEventListener method " + TwoPayloads.class.getName()
						+ ".onTwo(GuildCount, String)")
				.hasMessageContaining("bean 'twoPayloads'")
				.hasMessageContaining("parameter 1 'note' of type String is a second payload parameter");
		});
	}

	@Test
	void secondContextParameterFailsStartup() {
		this.runner.withBean("twoContexts", TwoContexts.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure())
				.hasMessageContaining("@ShardRequestHandler method " + TwoContexts.class.getName()
						+ ".answer(ShardEventContext, ShardEventContext)")
				.hasMessageContaining("bean 'twoContexts'")
				.hasMessageContaining("parameter 1 'again' of type ShardEventContext is a second ShardEventContext");
		});
	}

	@Test
	void listenerOfAReservedEventFailsStartup() {
		this.runner.withBean(ReservedListener.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure())
				.hasMessageContaining(ReservedListener.class.getName() + ".onConnected()")
				.hasMessageContaining("listens to 'CONNECTED', an event the sharding protocol reserves");
		});
	}

	@Test
	void duplicateRequestNamesFailStartupNamingBothMethods() {
		this.runner.withBean("first", Answers.class).withBean("second", DuplicateAnswer.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).hasMessageContaining("@ShardRequestHandler name 'double'")
				.hasMessageContaining(Answers.class.getName() + ".doubled(int) on bean 'first'")
				.hasMessageContaining(DuplicateAnswer.class.getName() + ".alsoDoubled(int) on bean 'second'");
		});
	}

	@Test
	void blankRequestNameFailsStartup() {
		this.runner.withBean(BlankRequestName.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure())
				.hasMessageContaining(BlankRequestName.class.getName() + ".nameless()")
				.hasMessageContaining("must name the request it answers");
		});
	}

	@Test
	void requestHandlerReturnValuesBecomeJson() {
		this.runner.withBean(Answers.class).run((context) -> {
			AnnotatedShardMessageHandler handler = context.getBean(AnnotatedShardMessageHandler.class);
			assertThat(result(handler.onRequest("double", json("21"), FROM_MANAGER))).isEqualTo(json("42"));
			assertThat(result(handler.onRequest("count", json("{\"guilds\":3,\"shard\":1}"), FROM_INSTANCE)))
				.isEqualTo(json("{\"guilds\":6,\"shard\":2}"));
			assertThat(result(handler.onRequest("later", new StringNode("x"), FROM_INSTANCE)))
				.isEqualTo(json("{\"echo\":\"x\",\"from\":2}"));
			assertThat(result(handler.onRequest("nothing", null, FROM_MANAGER))).isEqualTo(mapper.nullNode());
			assertThat(result(handler.onRequest("null", null, FROM_MANAGER))).isEqualTo(mapper.nullNode());
			assertThat(result(handler.onRequest("node", json("[true]"), FROM_MANAGER))).isEqualTo(json("[true]"));
			assertThat(context.getBean(Recorder.class).received).containsExactly(List.of("nothing"));
		});
	}

	@Test
	void requestHandlerExceptionsFailTheStage(CapturedOutput output) {
		this.runner.withBean(Answers.class).run((context) -> {
			AnnotatedShardMessageHandler handler = context.getBean(AnnotatedShardMessageHandler.class);
			assertThat(failure(handler.onRequest("throws", null, FROM_INSTANCE)))
				.isInstanceOf(IllegalArgumentException.class)
				.hasMessage("no good");
			assertThat(failure(handler.onRequest("fails-later", null, FROM_INSTANCE)))
				.isInstanceOf(UnsupportedOperationException.class)
				.hasMessage("not later either");
			assertThat(failure(handler.onRequest("refuses", null, FROM_INSTANCE)))
				.isInstanceOfSatisfying(RequestFailedException.class, (ex) -> {
					assertThat(ex.code()).isEqualTo("NOT_TODAY");
					assertThat(ex).hasMessage("come back tomorrow");
				});
			// the failure is logged by a callback of the stage, which may run after the caller's
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(output).contains("failed on request 'fails-later'"));
			assertThat(output).contains("WARN")
				.contains("failed on request 'throws' from instance 2 (2002, shards [4, 5])")
				.contains("UnsupportedOperationException: not later either")
				.doesNotContain("failed on request 'refuses'");
		});
	}

	@Test
	void requestWithAPayloadThatDoesNotBindIsAnsweredWithInvalidPayload() {
		this.runner.withBean(Answers.class).run((context) -> {
			Throwable failure = failure(context.getBean(AnnotatedShardMessageHandler.class)
				.onRequest("count", json("{\"guilds\":[]}"), FROM_MANAGER));
			assertThat(failure).isInstanceOfSatisfying(RequestFailedException.class, (ex) -> {
				assertThat(ex.code()).isEqualTo(ErrorCode.INVALID_PAYLOAD);
				assertThat(ex).hasMessageStartingWith("request 'count': payload does not bind to GuildCount");
			});
		});
	}

	@Test
	void unknownRequestIsAnsweredWithNoHandler() {
		this.runner.withBean(Answers.class).run((context) -> {
			Throwable failure = failure(
					context.getBean(AnnotatedShardMessageHandler.class).onRequest("nope", null, FROM_MANAGER));
			assertThat(failure).isInstanceOfSatisfying(RequestFailedException.class, (ex) -> {
				assertThat(ex.code()).isEqualTo(ErrorCode.NO_HANDLER);
				assertThat(ex).hasMessage("no request handler named 'nope'");
			});
		});
	}

	@Test
	void methodsOfAProxiedBeanAreCalledThroughTheProxy() {
		this.runner.withBean(GuildCountListener.class)
			.withBean(Answers.class)
			.withBean(CountingProxies.class)
			.run((context) -> {
				AnnotatedShardMessageHandler handler = context.getBean(AnnotatedShardMessageHandler.class);
				assertThat(context.getBean(GuildCountListener.class).getClass().getName()).contains("$$SpringCGLIB$$");
				handler.onDispatch("GUILD_COUNT", json("{\"guilds\":1,\"shard\":0}"), FROM_MANAGER);
				assertThat(result(handler.onRequest("double", json("2"), FROM_MANAGER))).isEqualTo(json("4"));
				assertThat(context.getBean(Recorder.class).received)
					.contains(List.of(new GuildCount(1, 0), FROM_MANAGER));
				// two listeners of GUILD_COUNT and one request handler
				assertThat(context.getBean(CountingProxies.class).calls).hasValue(3);
			});
	}

	@Test
	void methodsOfAJdkProxiedBeanAreCalledThroughItsInterface() {
		this.runner.withUserConfiguration(JdkProxyConfiguration.class)
			.withBean("greetingListener", GreetingListener.class)
			.run((context) -> {
				assertThat(context.getBean("greetingListener")).isNotInstanceOf(GreetingListener.class)
					.isInstanceOf(Greeter.class);
				context.getBean(AnnotatedShardMessageHandler.class)
					.onDispatch("GREET", new StringNode("hello"), FROM_MANAGER);
				assertThat(context.getBean(Recorder.class).received).containsExactly(List.of("greeted", "hello"));
				assertThat(context.getBean(CountingInterceptor.class).calls).hasValue(1);
			});
	}

	@Test
	void methodOfAJdkProxiedBeanOutsideItsInterfacesFailsStartup() {
		this.runner.withUserConfiguration(JdkProxyConfiguration.class)
			.withBean("greetingHiddenListener", HiddenGreetingListener.class)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure())
					.hasMessageContaining("@ShardEventListener method " + HiddenGreetingListener.class.getName()
							+ ".onHidden() on bean 'greetingHiddenListener' cannot be called");
			});
	}

	@Test
	void prototypeBeanIsFetchedForEachEvent() {
		this.runner.withUserConfiguration(PrototypeConfiguration.class).run((context) -> {
			AnnotatedShardMessageHandler handler = context.getBean(AnnotatedShardMessageHandler.class);
			handler.onDispatch("PROTO", null, FROM_MANAGER);
			handler.onDispatch("PROTO", null, FROM_MANAGER);
			Queue<List<Object>> received = context.getBean(Recorder.class).received;
			assertThat(received).hasSize(2);
			assertThat(received.poll().get(0)).isNotSameAs(received.poll().get(0));
		});
	}

	@Test
	void handlerOutsideABeanFactoryRefusesToStart() {
		assertThatExceptionOfType(IllegalStateException.class)
			.isThrownBy(() -> new AnnotatedShardMessageHandler(mapper).afterSingletonsInstantiated())
			.withMessageContaining("must be declared as a bean");
	}

	private static JsonNode json(String text) {
		return mapper.readTree(text);
	}

	private static JsonNode result(CompletionStage<JsonNode> stage) {
		return stage.toCompletableFuture().join();
	}

	private static Throwable failure(CompletionStage<JsonNode> stage) {
		Throwable failure = stage.toCompletableFuture()
			.orTimeout(10, TimeUnit.SECONDS)
			.handle((value, ex) -> ex)
			.join();
		assertThat(failure).as("the stage's failure").isNotNull();
		return failure;
	}

	record GuildCount(int guilds, int shard) {
	}

	static final class Recorder {

		final Queue<List<Object>> received = new ConcurrentLinkedQueue<>();

		void record(Object... values) {
			this.received.add(Arrays.asList(values));
		}

	}

	static class GuildCountListener {

		private final Recorder recorder;

		GuildCountListener(Recorder recorder) {
			this.recorder = recorder;
		}

		@ShardEventListener("GUILD_COUNT")
		public void onCount(GuildCount count, ShardEventContext sender) {
			this.recorder.record(count, sender);
		}

		@ShardEventListener("GUILD_COUNT")
		public void onAnyShape(JsonNode count) {
			if (!count.path("guilds").isNumber()) {
				this.recorder.record("any", count);
			}
		}

	}

	static final class FlexibleListener {

		private final Recorder recorder;

		FlexibleListener(Recorder recorder) {
			this.recorder = recorder;
		}

		@ShardEventListener("GUILD_COUNT")
		void contextFirst(ShardEventContext sender, GuildCount count) {
			this.recorder.record("contextFirst", sender, count);
		}

		@ShardEventListener("GUILD_COUNT")
		void contextOnly(ShardEventContext sender) {
			this.recorder.record("contextOnly", sender);
		}

		@ShardEventListener("GUILD_COUNT")
		void nothing() {
			this.recorder.record("nothing");
		}

	}

	static final class NodeListener {

		private final Recorder recorder;

		NodeListener(Recorder recorder) {
			this.recorder = recorder;
		}

		@ShardEventListener("NODE")
		void onNode(JsonNode data) {
			this.recorder.record((data != null) ? data : "no payload");
		}

	}

	static final class TextListener {

		private final Recorder recorder;

		TextListener(Recorder recorder) {
			this.recorder = recorder;
		}

		@ShardEventListener("TEXT")
		void onText(String text) {
			this.recorder.record((text != null) ? text : "no payload");
		}

	}

	static final class EveryEventListener {

		private final Recorder recorder;

		EveryEventListener(Recorder recorder) {
			this.recorder = recorder;
		}

		@ShardEventListener
		@Order(1)
		void onEvery(int value, ShardEventContext sender) {
			this.recorder.record("every", value, sender);
		}

		@ShardEventListener("A")
		@Order(2)
		void onA(int value) {
			this.recorder.record("a", value);
		}

	}

	static final class OrderedListeners {

		private final Recorder recorder;

		OrderedListeners(Recorder recorder) {
			this.recorder = recorder;
		}

		@ShardEventListener("ORDERED")
		void unorderedLast() {
			this.recorder.record("unordered-last");
		}

		@ShardEventListener("ORDERED")
		@Order(3)
		void third() {
			this.recorder.record("third");
		}

		@ShardEventListener
		@Order(1)
		void everyFirst() {
			this.recorder.record("every-first");
		}

		@ShardEventListener("ORDERED")
		@Order(2)
		void second() {
			this.recorder.record("second");
		}

	}

	static final class ThrowingListeners {

		private final Recorder recorder;

		ThrowingListeners(Recorder recorder) {
			this.recorder = recorder;
		}

		@ShardEventListener("BOOM")
		@Order(1)
		void explode(int value) {
			throw new IllegalStateException("kaput " + value);
		}

		@ShardEventListener("BOOM")
		@Order(2)
		void after(int value) {
			this.recorder.record("after", value);
		}

	}

	static final class NarrowListeners {

		private final Recorder recorder;

		NarrowListeners(Recorder recorder) {
			this.recorder = recorder;
		}

		@ShardEventListener("NARROW")
		void onObject(ObjectNode data) {
			this.recorder.record("object", (data != null) ? data : "null");
		}

		@ShardEventListener("NARROW")
		void onInt(int value) {
			this.recorder.record("int", value);
		}

	}

	static final class TwoPayloads {

		@ShardEventListener("TWO")
		void onTwo(GuildCount count, String note) {
		}

	}

	static final class TwoContexts {

		@ShardRequestHandler("two")
		Object answer(ShardEventContext sender, ShardEventContext again) {
			return null;
		}

	}

	static final class ReservedListener {

		@ShardEventListener("CONNECTED")
		void onConnected() {
		}

	}

	static final class BlankRequestName {

		@ShardRequestHandler(" ")
		void nameless() {
		}

	}

	static class Answers {

		private final Recorder recorder;

		Answers(Recorder recorder) {
			this.recorder = recorder;
		}

		@ShardRequestHandler("double")
		public int doubled(int value) {
			return value * 2;
		}

		@ShardRequestHandler("count")
		GuildCount count(GuildCount count) {
			return new GuildCount(count.guilds() * 2, count.shard() + 1);
		}

		@ShardRequestHandler("later")
		CompletionStage<Map<String, Object>> later(ShardEventContext sender, String text) {
			return CompletableFuture.supplyAsync(() -> Map.of("echo", text, "from", sender.instanceIndex()));
		}

		@ShardRequestHandler("nothing")
		void nothing() {
			this.recorder.record("nothing");
		}

		@ShardRequestHandler("null")
		Object returnsNull() {
			return null;
		}

		@ShardRequestHandler("node")
		JsonNode node(JsonNode payload) {
			return payload;
		}

		@ShardRequestHandler("throws")
		Object throwing() {
			throw new IllegalArgumentException("no good");
		}

		@ShardRequestHandler("fails-later")
		CompletableFuture<String> failsLater() {
			return CompletableFuture.supplyAsync(() -> {
				throw new UnsupportedOperationException("not later either");
			});
		}

		@ShardRequestHandler("refuses")
		Object refuses() {
			throw new RequestFailedException("NOT_TODAY", "come back tomorrow");
		}

	}

	static final class DuplicateAnswer {

		@ShardRequestHandler("double")
		int alsoDoubled(int value) {
			return value + value;
		}

	}

	static final class PrototypeListener {

		private final Recorder recorder;

		PrototypeListener(Recorder recorder) {
			this.recorder = recorder;
		}

		@ShardEventListener("PROTO")
		void onProto() {
			this.recorder.record(this);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PrototypeConfiguration {

		@Bean
		@Scope(BeanDefinition.SCOPE_PROTOTYPE)
		PrototypeListener prototypeListener(Recorder recorder) {
			return new PrototypeListener(recorder);
		}

	}

	public interface Greeter {

		void greet(String name);

	}

	static class GreetingListener implements Greeter {

		private final Recorder recorder;

		GreetingListener(Recorder recorder) {
			this.recorder = recorder;
		}

		@Override
		@ShardEventListener("GREET")
		public void greet(String name) {
			this.recorder.record("greeted", name);
		}

	}

	static class HiddenGreetingListener implements Greeter {

		@Override
		public void greet(String name) {
		}

		@ShardEventListener("HIDDEN")
		public void onHidden() {
		}

	}

	static final class CountingInterceptor implements MethodInterceptor {

		final AtomicInteger calls = new AtomicInteger();

		@Override
		public Object invoke(MethodInvocation invocation) throws Throwable {
			this.calls.incrementAndGet();
			return invocation.proceed();
		}

	}

	/** Puts the beans named greeting* behind JDK proxies, the way Spring's auto-proxying does. */
	@Configuration(proxyBeanMethods = false)
	static class JdkProxyConfiguration {

		@Bean
		static BeanNameAutoProxyCreator greetingProxies() {
			BeanNameAutoProxyCreator creator = new BeanNameAutoProxyCreator();
			creator.setBeanNames("greeting*");
			creator.setInterceptorNames("countingInterceptor");
			return creator;
		}

		@Bean
		CountingInterceptor countingInterceptor() {
			return new CountingInterceptor();
		}

	}

	/** Wraps the listener beans in CGLIB proxies that count the calls going through them. */
	static final class CountingProxies implements BeanPostProcessor {

		final AtomicInteger calls = new AtomicInteger();

		@Override
		public Object postProcessAfterInitialization(Object bean, String beanName) {
			if (!(bean instanceof GuildCountListener) && !(bean instanceof Answers)) {
				return bean;
			}
			ProxyFactory factory = new ProxyFactory(bean);
			factory.setProxyTargetClass(true);
			factory.addAdvice((MethodInterceptor) (invocation) -> {
				this.calls.incrementAndGet();
				return invocation.proceed();
			});
			return factory.getProxy(bean.getClass().getClassLoader());
		}

	}

}
