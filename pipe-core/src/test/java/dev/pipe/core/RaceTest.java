package dev.pipe.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.pipe.core.testing.RecordingReceiver;
import dev.pipe.core.testing.ScriptedSender;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whatever the order of events that race each other, every party gets at most one outcome (exactly one unless it
 * went away by itself), every chunk is released exactly once and nothing is left behind (Jetty
 * {@code succeededWinsRace}, run over every ordering).
 */
class RaceTest {

    private static final Duration JOIN = PipeConfig.defaults().joinTimeout();
    private static final Duration IDLE = PipeConfig.defaults().idleTimeout();
    private static final Duration ONE_NS = Duration.ofNanos(1);

    /** Each scenario sets a pipe up to the instant before its events, which it then registers by name. */
    private static final Map<String, Supplier<Race>> SCENARIOS = new LinkedHashMap<>();

    static {
        SCENARIOS.put("last arrival vs join expiry", () -> {
            Race race = new Race(PipeConfig.defaults());
            race.sender(2);
            race.receiver(2);
            race.h.scheduler.advanceBy(JOIN.minus(ONE_NS));
            race.on("rx2 arrives", () -> race.receiver(2));
            race.on("join window ends", () -> race.h.scheduler.advanceBy(ONE_NS));
            return race;
        });
        SCENARIOS.put("receiver disconnect vs establishment", () -> {
            Race race = new Race(PipeConfig.defaults());
            RecordingReceiver rx1 = race.receiver(2);
            race.receiver(2);
            race.on("sender arrives", () -> race.sender(2));
            race.on("rx1 disconnects", () -> race.disconnect(rx1));
            return race;
        });
        SCENARIOS.put("sender abort vs receiver abort vs end", () -> {
            Race race = new Race(PipeConfig.defaults());
            RecordingReceiver rx1 = race.receiver(2);
            race.receiver(2);
            ScriptedSender sender = race.sender(2);
            race.chunk(sender, "x");
            race.completeAllWrites();
            race.on("sender aborts", () -> race.abort(sender));
            race.on("rx1 disconnects", () -> race.disconnect(rx1));
            race.on("sender ends", sender::end);
            return race;
        });
        SCENARIOS.put("complete vs sender abort vs receiver abort", () -> {
            Race race = new Race(PipeConfig.defaults());
            RecordingReceiver rx1 = race.receiver(2);
            RecordingReceiver rx2 = race.receiver(2);
            ScriptedSender sender = race.sender(2);
            race.chunk(sender, "x");
            race.completeAllWrites();
            sender.end(); // both complete() calls are under way
            race.on("rx1 complete succeeds", rx1::completeWrite);
            race.on("sender aborts", () -> race.abort(sender));
            race.on("rx2 disconnects", () -> race.disconnect(rx2));
            return race;
        });
        SCENARIOS.put("write completion vs receiver disconnect vs drop check", () -> {
            Race race = new Race(PipeConfig.defaults().withSlowReceiver(SlowReceiverPolicy.dropAfter(
                    Duration.ofSeconds(30))));
            RecordingReceiver rx1 = race.receiver(2);
            RecordingReceiver rx2 = race.receiver(2);
            ScriptedSender sender = race.sender(2);
            race.chunk(sender, "x");
            rx1.completeWrite();
            race.h.scheduler.advanceBy(Duration.ofSeconds(30).minus(ONE_NS));
            race.on("rx2 write succeeds", rx2::completeWrite);
            race.on("rx2 disconnects", () -> race.disconnect(rx2));
            race.on("drop check", () -> race.h.scheduler.advanceBy(ONE_NS));
            return race;
        });
        SCENARIOS.put("write failure vs idle timeout vs shutdown", () -> {
            Race race = new Race(PipeConfig.defaults());
            RecordingReceiver rx1 = race.receiver(2);
            RecordingReceiver rx2 = race.receiver(2);
            ScriptedSender sender = race.sender(2);
            race.chunk(sender, "x");
            rx1.completeWrite();
            race.h.scheduler.advanceBy(IDLE.minus(ONE_NS));
            race.on("rx2 write fails", () -> {
                race.left.add(rx2);
                rx2.failWrite();
            });
            race.on("idle timeout", () -> race.h.scheduler.advanceBy(ONE_NS));
            race.on("registry closes", race.h.registry::close);
            return race;
        });
        SCENARIOS.put("last arrival vs drain vs join expiry", () -> {
            Race race = new Race(PipeConfig.defaults());
            race.sender(2);
            race.receiver(2);
            race.h.scheduler.advanceBy(JOIN.minus(ONE_NS));
            race.on("rx2 arrives", () -> race.tryReceiver(2));
            race.on("registry drains", race.h.registry::drain);
            race.on("join window ends", () -> race.h.scheduler.advanceBy(ONE_NS));
            return race;
        });
        SCENARIOS.put("blocked receiver (block) vs sender abort vs idle timeout vs drain", () -> {
            Race race = new Race(PipeConfig.defaults());
            RecordingReceiver rx1 = race.receiver(2);
            RecordingReceiver rx2 = race.receiver(2);
            ScriptedSender sender = race.sender(2);
            race.chunk(sender, "x");
            rx1.completeWrite();
            race.h.scheduler.advanceBy(IDLE.minus(ONE_NS));
            race.on("rx2 write succeeds", rx2::completeWrite);
            race.on("sender aborts", () -> race.abort(sender));
            race.on("idle timeout", () -> race.h.scheduler.advanceBy(ONE_NS));
            race.on("registry drains", race.h.registry::drain);
            return race;
        });
        SCENARIOS.put("slow receiver (drop) vs receiver abort vs join of nobody vs close", () -> {
            Race race = new Race(PipeConfig.defaults().withSlowReceiver(SlowReceiverPolicy.dropAfter(
                    Duration.ofSeconds(5))));
            RecordingReceiver rx1 = race.receiver(3);
            RecordingReceiver rx2 = race.receiver(3);
            RecordingReceiver rx3 = race.receiver(3);
            ScriptedSender sender = race.sender(3);
            race.chunk(sender, "x");
            rx1.completeWrite();
            race.h.scheduler.advanceBy(Duration.ofSeconds(5).minus(ONE_NS));
            race.on("drop check", () -> race.h.scheduler.advanceBy(ONE_NS));
            race.on("rx2 disconnects", () -> race.disconnect(rx2));
            race.on("rx3 write succeeds", rx3::completeWrite);
            race.on("registry closes", race.h.registry::close);
            return race;
        });
        SCENARIOS.put("end vs last receiver abort vs waiting party", () -> {
            Race race = new Race(PipeConfig.defaults());
            RecordingReceiver rx1 = race.receiver(1);
            ScriptedSender sender = race.sender(1);
            race.chunk(sender, "x");
            race.completeAllWrites();
            race.on("sender ends", sender::end);
            race.on("rx1 disconnects", () -> race.disconnect(rx1));
            race.on("new receiver arrives", () -> race.tryReceiver(1));
            return race;
        });
    }

    static Stream<Arguments> orderings() {
        return SCENARIOS.entrySet().stream().flatMap(scenario -> {
            List<String> events = new ArrayList<>(scenario.getValue().get().events.keySet());
            return permutations(events).stream().map(order -> Arguments.of(scenario.getKey(), order));
        });
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("orderings")
    void everyPartyEndsOnceWhateverTheOrder(String scenario, List<String> order) throws Exception {
        Race race = SCENARIOS.get(scenario).get();
        for (String event : order) {
            race.fire(event);
        }
        race.settle();
        race.assertInvariants();
    }

    private static List<List<String>> permutations(List<String> items) {
        if (items.size() <= 1) {
            return List.of(items);
        }
        List<List<String>> all = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            List<String> rest = new ArrayList<>(items);
            String first = rest.remove(i);
            for (List<String> tail : permutations(rest)) {
                List<String> order = new ArrayList<>();
                order.add(first);
                order.addAll(tail);
                all.add(order);
            }
        }
        return all;
    }

    @FunctionalInterface
    private interface Action {
        void run() throws Exception;
    }

    /** One scenario's pipe, parties and named events, and the checks that hold whatever the order. */
    private static final class Race {
        final Harness h;
        final List<ScriptedSender> senders = new ArrayList<>();
        final List<RecordingReceiver> receivers = new ArrayList<>();
        final List<Object> left = new ArrayList<>();
        final Map<String, Action> events = new LinkedHashMap<>();
        final ByteArrayOutputStream sent = new ByteArrayOutputStream();

        Race(PipeConfig config) {
            h = new Harness(config);
        }

        void on(String name, Action action) {
            events.put(name, action);
        }

        void fire(String name) throws Exception {
            events.get(name).run();
        }

        ScriptedSender sender(int n) {
            try {
                ScriptedSender sender = h.sender(n);
                senders.add(sender);
                return sender;
            } catch (PipeException e) {
                throw new AssertionError(e);
            }
        }

        RecordingReceiver receiver(int n) {
            try {
                RecordingReceiver receiver = h.receiver(n);
                receivers.add(receiver);
                return receiver;
            } catch (PipeException e) {
                throw new AssertionError(e);
            }
        }

        /** A receiver that may be refused (the pipe is streaming): then it is no party. */
        void tryReceiver(int n) {
            try {
                receivers.add(h.receiver(n));
            } catch (PipeException refused) {
                assertTrue(refused.reason() == PipeException.Reason.ALREADY_ESTABLISHED
                        || refused.reason() == PipeException.Reason.SHUTTING_DOWN, refused.toString());
            }
        }

        void chunk(ScriptedSender sender, String text) {
            sent.writeBytes(Harness.utf8(text));
            sender.sendChunk(text);
        }

        void disconnect(RecordingReceiver receiver) {
            left.add(receiver);
            receiver.disconnect();
        }

        void abort(ScriptedSender sender) {
            left.add(sender);
            sender.abort();
        }

        void completeAllWrites() {
            h.completeAllWrites(receivers);
        }

        /** Lets every held write go, ends every stream still asked for, and lets time run until nothing is left. */
        void settle() {
            for (int round = 0; round < 20; round++) {
                boolean moved = false;
                for (RecordingReceiver receiver : receivers) {
                    if (receiver.hasPendingWrite()) {
                        receiver.completeWrite();
                        moved = true;
                    }
                }
                for (ScriptedSender sender : senders) {
                    if (sender.outstandingDemands() > 0 && sender.outcomes() == 0 && !left.contains(sender)) {
                        sender.end();
                        moved = true;
                    }
                }
                if (!moved) {
                    if (h.registry.size() == 0 && h.scheduler.pending() == 0) {
                        return;
                    }
                    h.scheduler.advanceBy(Duration.ofDays(1));
                }
            }
            fail("did not settle: " + h.registry + " " + h.scheduler);
        }

        void assertInvariants() {
            for (ScriptedSender sender : senders) {
                assertTrue(sender.outcomes() <= 1, "sender: more than one outcome " + sender.events());
                if (!left.contains(sender)) {
                    assertEquals(1, sender.outcomes(), "sender: no outcome " + sender.events());
                }
            }
            for (RecordingReceiver receiver : receivers) {
                receiver.assertNoViolations();
                assertTrue(receiver.outcomes() <= 1, receiver.name() + ": more than one outcome " + receiver.events());
                if (!left.contains(receiver)) {
                    assertEquals(1, receiver.outcomes(), receiver.name() + ": no outcome " + receiver.events());
                }
                if (receiver.completes() == 1) {
                    receiver.assertReceived(sent.toByteArray());
                }
            }
            h.assertNothingLeft();
        }
    }
}
