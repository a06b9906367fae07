package dev.pipe.servlet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class MultipartDecoderTest {

    /** A Chrome-like boundary; its delimiter (42 bytes) fits a 64-byte array. */
    private static final String B = "----WebKitFormBoundary7MA4YWxkTrZu0gW";
    private static final String FILE_DISPOSITION = "form-data; name=\"input_file\"; filename=\"a.bin\"";
    private static final String OCTETS = "application/octet-stream";
    private static final int WHOLE = Integer.MAX_VALUE;

    // ---- a browser's form, fed as the caller feeds it

    @Test
    void browserFormFedWholeAndInEveryTwoWaySplit() throws Exception {
        byte[] file = bytes("first line\r\nsecond -- line\r\n\r\n--not a boundary\r\n", new byte[] {0, -1, 13, 10});
        byte[] form = fileForm(file);
        assertFile(file, feed(B, form, 65536, WHOLE));
        for (int cut = 0; cut <= form.length; cut++) {
            assertFile(file, feed(B, form, 65536, WHOLE, cut));
            assertFile(file, feed(B, form, 64, WHOLE, cut));
        }
    }

    @Test
    void browserFormFedInThreeWaySplits() throws Exception {
        byte[] file = bytes("\r\n--", B.substring(0, 20), "\r\r\n-\r\n--", B.substring(0, B.length() - 1), "x\r");
        byte[] form = fileForm(file);
        for (int first = 0; first <= form.length; first += 3) {
            for (int second = first; second <= form.length; second += 5) {
                assertFile(file, feed(B, form, 65536, WHOLE, first, second));
                assertFile(file, feed(B, form, 64, WHOLE, first, second));
            }
        }
    }

    @Test
    void browserFormFedOneByteAtATime() throws Exception {
        byte[] file = bytes("one byte at a time\r\n--", B.substring(0, B.length() - 1), "\r");
        byte[] form = fileForm(file);
        Fed fed = assertFile(file, feed(B, form, 64, 1));
        assertTrue(fed.regions > 1, "many small regions");
        assertFile(file, feed(B, form, 65536, 1));
    }

    @Test
    void nearDelimitersInThePayloadComeOutExactly() throws Exception {
        List<byte[]> files = List.of(
                bytes(""),
                bytes("\r\n--"),
                bytes("\r\n--", B.substring(0, B.length() - 1)),
                bytes("\r\n--", B.substring(0, B.length() - 1), "\r\n--", B.substring(0, 7), "!"),
                bytes("--", B, " at the start, without CRLF"),
                bytes("mid-line --", B, " without the leading CRLF, and at the end: --", B),
                bytes("\n--", B, " (LF only) and \r--", B, " (CR only)"),
                bytes("\r\n---", B, " (one dash too many) and \r\n-", B),
                bytes("lone\rCRs\r\r\rand \r\r\n--", B.substring(0, 5)),
                bytes("ends in CR\r"),
                bytes("ends in CRLF\r\n"),
                bytes("ends in CRLF and dashes\r\n--"),
                bytes("\r".repeat(100)),
                bytes("\r\n".repeat(50)));
        for (byte[] file : files) {
            byte[] form = fileForm(file);
            assertFile(file, feed(B, form, 65536, WHOLE));
            assertFile(file, feed(B, form, 64, 1));
            for (int cut = 0; cut <= form.length; cut++) {
                assertFile(file, feed(B, form, 65536, WHOLE, cut));
                assertFile(file, feed(B, form, 64, WHOLE, cut));
            }
        }
    }

    @Test
    void largeFileThroughA64KiBArrayIsNeverCopied() throws Exception {
        Random random = new Random(20260504);
        byte[] file = new byte[5 << 20];
        random.nextBytes(file);
        byte[] near = bytes("\r\n--", B);
        for (int at = 1000; at < file.length - near.length; at += 1000 + random.nextInt(70000)) {
            int length = 1 + random.nextInt(near.length - 1);
            System.arraycopy(near, 0, file, at, length);
            file[at + length] = 0; // never the whole delimiter
        }
        byte[] form = fileForm(file);
        int[] packets = new int[400];
        for (int i = 0; i < packets.length; i++) {
            packets[i] = random.nextInt(form.length);
        }
        Arrays.sort(packets);
        Fed fed = assertFile(file, feed(B, form, 65536, WHOLE, packets));
        assertTrue(fed.regions >= file.length / 65536, "a 64 KiB array at a time: " + fed.regions);
    }

    @Test
    void headersAreKnownBeforeAnyPayloadByte() throws Exception {
        byte[] head = bytes("--", B, "\r\nContent-Disposition: ", FILE_DISPOSITION,
                "\r\nContent-Type: image/png\r\n\r\n");
        MultipartDecoder decoder = new MultipartDecoder(B);
        assertEquals(head.length, decoder.decode(head, 0, head.length));
        assertFalse(decoder.hasPayload());
        assertTrue(decoder.headersKnown());
        assertEquals("image/png", decoder.contentType());
        assertEquals(FILE_DISPOSITION, decoder.contentDisposition());
        assertFalse(decoder.payloadEnded());
        MultipartException truncated = assertThrows(MultipartException.class, decoder::finish);
        assertTrue(truncated.getMessage().startsWith("The form ended before"), truncated.getMessage());
    }

    @Test
    void aPossibleDelimiterStartIsLeftUnconsumedThenPresentedAgain() throws Exception {
        byte[] head = bytes("--", B, "\r\nContent-Disposition: ", FILE_DISPOSITION, "\r\n\r\n");
        MultipartDecoder decoder = new MultipartDecoder(B);
        decoder.decode(head, 0, head.length);

        byte[] buf = bytes("..abc\r\n--", B.substring(0, 3));
        assertEquals(3, decoder.decode(buf, 2, buf.length), "the possible delimiter start is left");
        assertSame(buf, decoder.payloadArray());
        assertEquals(2, decoder.payloadFrom());
        assertEquals(5, decoder.payloadTo());

        assertEquals(0, decoder.decode(buf, 5, buf.length), "the tail alone: more bytes are needed");
        assertFalse(decoder.hasPayload());

        byte[] next = bytes("\r\n--", B.substring(0, 3), "X\r\n--", B, "--");
        assertEquals(4 + 3 + 1 + 4 + B.length(), decoder.decode(next, 0, next.length));
        assertSame(next, decoder.payloadArray());
        assertEquals(0, decoder.payloadFrom());
        assertEquals(8, decoder.payloadTo());
        assertTrue(decoder.payloadEnded());
        assertFalse(decoder.formEnded());
        assertEquals(2, decoder.decode(next, next.length - 2, next.length));
        assertTrue(decoder.formEnded());
        decoder.finish();
    }

    // ---- what surrounds the payload

    @Test
    void preambleFieldsPaddingTrailingPartsAndEpilogueAreSkipped() throws Exception {
        byte[] file = bytes("the file\r\n");
        byte[] form = bytes("This is the preamble, with a near --", B, " in it.\r\n--", B.substring(0, 9), "\r\n",
                "--", B, " \t \r\n",
                "Content-Disposition: form-data; name=\"title\"\r\n\r\n",
                "A title\r\n",
                "--", B, "\t\r\n",
                "content-disposition: form-data; name=\"note\"\r\ncontent-type: text/plain\r\n\r\n",
                "a note, \r\n--", B.substring(0, 4), "\r\n",
                "--", B, "\r\n",
                "CONTENT-DISPOSITION:", FILE_DISPOSITION, "\r\nContent-Type:  ", OCTETS, "  \r\n\r\n",
                file,
                "\r\n--", B, "  \r\n",
                "Content-Disposition: form-data; name=\"second\"; filename=\"b.bin\"\r\n\r\n",
                "ignored\r\n",
                "--", B, "\r\n",
                "this part has no headers at all, and it is ignored\r\n",
                "--", B, "--\r\n",
                "The epilogue, ignored even with --", B, " and \r\n--", B, "?? in it.");
        for (int cut = 0; cut <= form.length; cut++) {
            assertFile(file, feed(B, form, 65536, WHOLE, cut));
        }
        assertFile(file, feed(B, form, 64, 1));
    }

    @Test
    void theBodyMayBeginWithCrlfBeforeTheFirstBoundary() throws Exception {
        byte[] file = bytes("x");
        byte[] form = bytes("\r\n", fileForm(file));
        assertFile(file, feed(B, form, 64, 1));
    }

    @Test
    void aTextOnlyFormSendsItsFirstField() throws Exception {
        byte[] text = bytes("Hello\r\nfrom a <textarea> -- ünïcode\r\n--", B.substring(0, 10), "\r");
        byte[] form = bytes("--", B, "\r\n",
                "Content-Disposition: form-data; name=\"input_text\"\r\n\r\n", text,
                "\r\n--", B, "\r\n",
                "Content-Disposition: form-data; name=\"other\"\r\n\r\n", "not this one",
                "\r\n--", B, "--\r\n");
        for (int cut = 0; cut <= form.length; cut++) {
            for (int arraySize : new int[] {64, 65536}) {
                Fed fed = feed(B, form, arraySize, WHOLE, cut);
                assertField(text, "text/plain; charset=UTF-8", fed);
            }
        }
        assertField(text, "text/plain; charset=UTF-8", feed(B, form, 64, 1));
    }

    @Test
    void aTextFieldKeepsItsOwnContentType() throws Exception {
        byte[] text = bytes("# Title\n");
        byte[] form = bytes("--", B, "\r\n",
                "Content-Type: text/markdown; charset=UTF-8\r\n",
                "Content-Disposition: form-data; name=\"input_text\"\r\n\r\n", text,
                "\r\n--", B, "--");
        assertField(text, "text/markdown; charset=UTF-8", feed(B, form, 65536, WHOLE));
    }

    @Test
    void theFirstFieldIsReportedFromTheDecodersCopyWithEverythingConsumed() throws Exception {
        byte[] form = bytes("--", B, "\r\nContent-Disposition: form-data; name=\"input_text\"\r\n\r\nhello\r\n--", B,
                "--\r\nan epilogue");
        MultipartDecoder decoder = new MultipartDecoder(B);
        assertEquals(form.length, decoder.decode(form, 0, form.length));
        assertTrue(decoder.hasPayload());
        assertTrue(decoder.payloadArray() != form, "the decoder's own copy");
        assertArrayEquals(bytes("hello"),
                Arrays.copyOfRange(decoder.payloadArray(), decoder.payloadFrom(), decoder.payloadTo()));
        assertTrue(decoder.payloadEnded());
        assertTrue(decoder.formEnded());
        assertEquals(3, decoder.decode(form, 0, 3), "after the form, everything is consumed");
        assertFalse(decoder.hasPayload());
        decoder.finish();
    }

    @Test
    void anEmptyTextFieldIsAnEmptyPayload() throws Exception {
        byte[] form = bytes("--", B, "\r\nContent-Disposition: form-data; name=\"input_text\"\r\n\r\n\r\n--", B, "--");
        Fed fed = assertField(new byte[0], "text/plain; charset=UTF-8", feed(B, form, 64, WHOLE));
        assertEquals(0, fed.regions);
    }

    @Test
    void aTextFieldOfExactly64KiBIsThePayload() throws Exception {
        byte[] text = new byte[MultipartDecoder.MAX_FIELD_BYTES];
        Arrays.fill(text, (byte) 't');
        byte[] form = bytes("--", B, "\r\nContent-Disposition: form-data; name=\"input_text\"\r\n\r\n", text,
                "\r\n--", B, "--\r\n");
        assertField(text, "text/plain; charset=UTF-8", feed(B, form, 4096, WHOLE));
    }

    @Test
    void aFileAfterFieldsIsThePayloadHoweverLargeTheFirstField() throws Exception {
        byte[] file = bytes("the file");
        byte[] form = bytes("--", B, "\r\nContent-Disposition: form-data; name=\"input_text\"\r\n\r\n",
                "t".repeat(MultipartDecoder.MAX_FIELD_BYTES + 1),
                "\r\n--", B, "\r\nContent-Disposition: ", FILE_DISPOSITION, "\r\nContent-Type: ", OCTETS, "\r\n\r\n",
                file, "\r\n--", B, "--\r\n");
        assertFile(file, feed(B, form, 65536, WHOLE));
    }

    @Test
    void aTokenFieldBeforeTheFileIsKeptApartAndNeverThePayload() throws Exception {
        byte[] file = bytes("the file");
        byte[] text = bytes("the text");
        String token = "--\r\n" + B.substring(0, 12) + " 4c1f0e9b";
        byte[] fileForm = bytes("--", B, "\r\nContent-Disposition: form-data; name=\"pipe_token\"\r\n\r\n", " ", token,
                " \r\n--", B, "\r\nContent-Disposition: ", FILE_DISPOSITION, "\r\nContent-Type: ", OCTETS, "\r\n\r\n",
                file, "\r\n--", B, "--\r\n");
        byte[] textForm = bytes("--", B, "\r\nContent-Disposition: form-data; name=\"pipe_token\"\r\n\r\n", token,
                "\r\n--", B, "\r\nContent-Disposition: form-data; name=\"input_text\"\r\n\r\n", text,
                "\r\n--", B, "--\r\n");
        for (int cut = 0; cut <= fileForm.length; cut++) {
            assertEquals(token, assertFile(file, feed(B, fileForm, 64, WHOLE, cut)).decoder.token(), "trimmed");
        }
        assertEquals(token, assertFile(file, feed(B, fileForm, 64, 1)).decoder.token());
        assertEquals(token, assertField(text, "text/plain; charset=UTF-8", feed(B, textForm, 64, 1)).decoder.token(),
                "the text field after the token is the payload");

        byte[] empty = bytes("--", B, "\r\nContent-Disposition: form-data; name=\"pipe_token\"\r\n\r\n\r\n--", B,
                "\r\nContent-Disposition: ", FILE_DISPOSITION, "\r\nContent-Type: ", OCTETS, "\r\n\r\n", file,
                "\r\n--", B, "--\r\n");
        assertNull(assertFile(file, feed(B, empty, 64, WHOLE)).decoder.token(), "an empty field is no token");
        assertNull(assertFile(file, feed(B, fileForm(file), 64, WHOLE)).decoder.token());
    }

    @Test
    void aTokenFieldOverItsLimitIsRefused() {
        byte[] form = bytes("--", B, "\r\nContent-Disposition: form-data; name=\"pipe_token\"\r\n\r\n",
                "t".repeat(MultipartDecoder.MAX_TOKEN_BYTES + 1), "\r\n--", B, "--\r\n");
        assertMalformed("The form's token is over 1024 bytes.", form);
    }

    @Test
    void theFilenameParameterIsParsedNotSearched() throws Exception {
        String[] files = {
            "form-data; name=\"input_file\"; filename=\"a.txt\"",
            "form-data; name=input_file; filename=a.txt",
            "form-data; filename*=UTF-8''%C3%A4.txt; name=\"f\"",
            "Form-Data ; FILENAME = \"a.txt\"",
            "form-data; name=\"a\\\"; filename=b\"; filename=\"c.txt\"",
            "form-data; name=\"input_file\"; filename=\"\"",
            "form-data; name=\"input_file\"; filename=\"C:\\\\temp\\\\ä.txt\"",
            // a backslash is not an escape (browsers send it as it is): the quote ends the name
            "form-data; name=\"a\\\"; filename=b\"",
        };
        String[] fields = {
            "form-data; name=\"filename\"",
            "form-data; name=\"a; filename=b\"",
            "form-data; name=\"filename=x\"; filenames=\"y\"",
            "form-data; filename",
        };
        byte[] content = bytes("content");
        for (String disposition : files) {
            Fed fed = feed(B, singlePart(disposition, content), 65536, WHOLE);
            assertArrayEquals(content, fed.payload, disposition);
            // the header's bytes as they came (a browser's raw UTF-8), one char per byte, for Jetty to write back
            assertEquals(new String(disposition.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1),
                    fed.decoder.contentDisposition(), "a file: " + disposition);
            assertNull(fed.decoder.contentType(), "a file part without a Content-Type: " + disposition);
            assertEquals(fed.regions, fed.views, disposition);
        }
        for (String disposition : fields) {
            Fed fed = feed(B, singlePart(disposition, content), 65536, WHOLE);
            assertArrayEquals(content, fed.payload, disposition);
            assertNull(fed.decoder.contentDisposition(), "a field: " + disposition);
            assertEquals("text/plain; charset=UTF-8", fed.decoder.contentType(), disposition);
        }
    }

    @Test
    void randomFormsWithManyNearDelimiters() throws Exception {
        Random random = new Random(7);
        String boundary = "ab";
        byte[] delimiter = bytes("\r\n--", boundary);
        for (int round = 0; round < 3000; round++) {
            byte[] preamble = random.nextBoolean() ? new byte[0] : bytes(noise(random, "x\r\n -a", delimiter), "\r\n");
            byte[] first = noise(random, "\r\n-ab", delimiter);
            byte[] file = noise(random, "\r\n-ab", delimiter);
            boolean withFile = random.nextBoolean();
            byte[] form = bytes(preamble, "--", boundary, "\r\n",
                    "Content-Disposition: form-data; name=\"input_text\"\r\n\r\n", first, delimiter, "\r\n",
                    withFile ? bytes("Content-Disposition: ", FILE_DISPOSITION, "\r\n\r\n", file, delimiter, "\r\n")
                            : new byte[0],
                    "Content-Disposition: form-data; name=\"x\"\r\n\r\n", noise(random, "\r\n-ab", delimiter),
                    delimiter, "--", noise(random, "\r\n-ab", new byte[] {0}));
            int[] packets = {random.nextInt(form.length + 1), random.nextInt(form.length + 1)};
            Arrays.sort(packets);
            int arraySize = 7 + random.nextInt(20);
            Fed fed = feed(boundary, form, arraySize, 1 + random.nextInt(arraySize), packets);
            if (withFile) {
                assertArrayEquals(file, fed.payload, "round " + round);
                assertEquals(fed.regions, fed.views, "round " + round);
            } else {
                assertArrayEquals(first, fed.payload, "round " + round);
            }
            assertTrue(fed.decoder.formEnded(), "round " + round);
            fed.decoder.finish();
        }
    }

    // ---- malformed forms

    @Test
    void headersOver8KiBAreRefused() throws Exception {
        String prefix = "Content-Disposition: form-data; name=\"f\"\r\nX-Pad: ";
        int fits = MultipartDecoder.MAX_HEADER_BYTES - prefix.length() - 4; // the block with its CRLF CRLF
        byte[] atLimit = bytes("--", B, "\r\n", prefix, "p".repeat(fits), "\r\n\r\nok\r\n--", B, "--");
        assertArrayEquals(bytes("ok"), feed(B, atLimit, 64, WHOLE).payload);

        byte[] over = bytes("--", B, "\r\n", prefix, "p".repeat(fits + 1), "\r\n\r\nok\r\n--", B, "--");
        assertMalformed("A form part's headers are over 8192 bytes.", over);
        assertMalformed("A form part's headers are over 8192 bytes.",
                bytes("--", B, "\r\n", "Content-Disposition: form-data; name=\"f\"\r\n".repeat(1000)));
    }

    @Test
    void malformedPartsAreRefused() {
        assertMalformed("A form part has no Content-Disposition.",
                bytes("--", B, "\r\nContent-Type: text/plain\r\n\r\nx\r\n--", B, "--"));
        assertMalformed("A form part has no Content-Disposition.", bytes("--", B, "\r\n\r\nx\r\n--", B, "--"));
        assertMalformed("A form part's Content-Disposition is not form-data.",
                bytes("--", B, "\r\nContent-Disposition: attachment; filename=\"a\"\r\n\r\nx\r\n--", B, "--"));
        assertMalformed("A form part has a header line without ':'.",
                bytes("--", B, "\r\nContent-Disposition: form-data; name=\"f\"\r\nno colon\r\n\r\nx\r\n--", B, "--"));
        for (String after : new String[] {"x", "-x", " x", "\rx", "\n", " -"}) {
            assertMalformed("The form has bad bytes after a boundary.", bytes("--", B, after, "\r\n"));
        }
        assertMalformed("The form has bad bytes after a boundary.", bytes(fileForm(bytes("a\r\n--", B, "x"))));
    }

    @Test
    void aTextFieldOver64KiBWithoutAFileIsRefused() {
        byte[] form = bytes("--", B, "\r\nContent-Disposition: form-data; name=\"input_text\"\r\n\r\n",
                "t".repeat(MultipartDecoder.MAX_FIELD_BYTES + 1), "\r\n--", B, "--\r\n");
        assertMalformed("The form has no file, and its text field is over 64 KiB.", form);
    }

    @Test
    void anEndedInputWithoutAWholePayloadIsRefused() throws Exception {
        byte[] form = fileForm(bytes("a file that is cut short"));
        for (int length : new int[] {0, 10, 2 + B.length(), 60, form.length - 10, form.length - 8}) {
            Fed fed = feed(B, Arrays.copyOf(form, length), 64, WHOLE);
            MultipartException e = assertThrows(MultipartException.class, fed.decoder::finish, "length " + length);
            assertTrue(e.getMessage().startsWith("The form ended before "), e.getMessage());
        }
        // the payload's delimiter is in: the rest may be cut
        assertDoesNotThrow(feed(B, Arrays.copyOf(form, form.length - 2), 64, WHOLE).decoder::finish);

        MultipartDecoder empty = new MultipartDecoder(B);
        assertEquals("The form ended before a file or a text field.",
                assertThrows(MultipartException.class, empty::finish).getMessage());
        Fed noParts = feed(B, bytes("a preamble\r\n--", B, "--\r\n"), 64, WHOLE);
        assertTrue(noParts.decoder.formEnded());
        assertEquals("The form ended before a file or a text field.",
                assertThrows(MultipartException.class, noParts.decoder::finish).getMessage());
        Fed truncated = feed(B, Arrays.copyOf(form, form.length - 30), 64, WHOLE);
        assertEquals("The form ended before the end of its file.",
                assertThrows(MultipartException.class, truncated.decoder::finish).getMessage());
    }

    // ---- the boundary of a Content-Type

    @Test
    void boundaryOfAContentType() throws Exception {
        assertNull(MultipartDecoder.boundary(null));
        assertNull(MultipartDecoder.boundary("text/plain"));
        assertNull(MultipartDecoder.boundary("multipart/mixed; boundary=abc"));
        assertNull(MultipartDecoder.boundary("application/x-www-form-urlencoded"));
        assertEquals(B, MultipartDecoder.boundary("multipart/form-data; boundary=" + B));
        assertEquals("abc", MultipartDecoder.boundary("MULTIPART/Form-Data; boundary=abc"));
        assertEquals("abc", MultipartDecoder.boundary(" multipart/form-data ; charset=utf-8 ; BOUNDARY = \"abc\" "));
        assertEquals("a b'()+_,-./:=?c",
                MultipartDecoder.boundary("multipart/form-data; boundary=\"a b'()+_,-./:=?c\"; charset=\"x;y\""));
        assertEquals("abc", MultipartDecoder.boundary("multipart/form-data; x=\"boundary=no\"; boundary=abc"));
        assertEquals("1".repeat(70), MultipartDecoder.boundary("multipart/form-data; boundary=" + "1".repeat(70)));
    }

    @Test
    void badBoundariesAreRefused() {
        assertBadBoundary("is missing", "multipart/form-data");
        assertBadBoundary("is missing", "multipart/form-data; charset=utf-8");
        assertBadBoundary("is missing", "multipart/form-data; boundary=");
        assertBadBoundary("is missing", "multipart/form-data; boundary=\"\"");
        assertBadBoundary("is longer than 70 characters", "multipart/form-data; boundary=" + "1".repeat(71));
        assertBadBoundary("has a character RFC 2046 does not allow", "multipart/form-data; boundary=a@b");
        assertBadBoundary("has a character RFC 2046 does not allow", "multipart/form-data; boundary=\"a\rb\"");
        assertBadBoundary("has a character RFC 2046 does not allow", "multipart/form-data; boundary=\"ab \"");
        assertThrows(IllegalArgumentException.class, () -> new MultipartDecoder("a\r\nb"));
    }

    // ---- helpers

    /** What the simulated caller collected. */
    private record Fed(MultipartDecoder decoder, byte[] payload, int regions, int views) {
    }

    /**
     * Feeds {@code body} as the caller does: it reads into a fixed array after the unconsumed bytes, moved to the
     * front; a read stops at the array's end, after {@code maxRead} bytes, and at each of the {@code packets}
     * offsets (where the network split the body). Each region is copied out as if lent and released.
     */
    private static Fed feed(String boundary, byte[] body, int arraySize, int maxRead, int... packets)
            throws MultipartException {
        MultipartDecoder decoder = new MultipartDecoder(boundary);
        int delimiter = boundary.length() + 4;
        byte[] array = new byte[arraySize];
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int regions = 0;
        int views = 0;
        int filled = 0;
        int packet = 0;
        for (int position = 0; position < body.length; ) {
            while (packet < packets.length && packets[packet] <= position) {
                packet++;
            }
            int packetEnd = packet < packets.length ? packets[packet] : body.length;
            int read = Math.min(Math.min(array.length - filled, maxRead), packetEnd - position);
            assertTrue(read > 0, "the array has room after the unconsumed bytes");
            System.arraycopy(body, position, array, filled, read);
            position += read;
            filled += read;
            int start = 0;
            for (int calls = 0; start < filled; calls++) {
                assertTrue(calls <= filled, "every call consumes bytes or reports payload");
                int consumed = decoder.decode(array, start, filled);
                assertTrue(consumed >= 0 && consumed <= filled - start, "consumed " + consumed);
                if (decoder.hasPayload()) {
                    byte[] payloadArray = decoder.payloadArray();
                    int from = decoder.payloadFrom();
                    int to = decoder.payloadTo();
                    assertTrue(from < to, "a region is not empty");
                    if (payloadArray == array) {
                        assertTrue(start <= from && to <= start + consumed, "a view of the bytes consumed");
                        views++;
                    }
                    regions++;
                    out.write(payloadArray, from, to - from);
                } else if (consumed == 0) {
                    break; // a possible delimiter start: more bytes are needed
                }
                start += consumed;
            }
            assertTrue(filled - start < delimiter, "the unconsumed run is shorter than the delimiter");
            System.arraycopy(array, start, array, 0, filled - start);
            filled -= start;
        }
        return new Fed(decoder, out.toByteArray(), regions, views);
    }

    private static Fed assertFile(byte[] file, Fed fed) throws MultipartException {
        assertArrayEquals(file, fed.payload);
        assertEquals(fed.regions, fed.views, "every region is a view of the caller's array");
        assertTrue(fed.decoder.headersKnown());
        assertEquals(OCTETS, fed.decoder.contentType());
        assertEquals(FILE_DISPOSITION, fed.decoder.contentDisposition());
        assertTrue(fed.decoder.payloadEnded());
        assertTrue(fed.decoder.formEnded());
        fed.decoder.finish();
        return fed;
    }

    private static Fed assertField(byte[] text, String contentType, Fed fed) throws MultipartException {
        assertArrayEquals(text, fed.payload);
        assertEquals(0, fed.views, "a field is the decoder's copy");
        assertTrue(fed.regions <= 1);
        assertTrue(fed.decoder.headersKnown());
        assertEquals(contentType, fed.decoder.contentType());
        assertNull(fed.decoder.contentDisposition());
        assertTrue(fed.decoder.payloadEnded());
        assertTrue(fed.decoder.formEnded());
        fed.decoder.finish();
        return fed;
    }

    private static void assertMalformed(String message, byte[] form) {
        for (int maxRead : new int[] {WHOLE, 1}) {
            MultipartException e = assertThrows(MultipartException.class, () -> {
                feed(B, form, 65536, maxRead).decoder.finish();
            });
            assertEquals(message, e.getMessage());
        }
    }

    private static void assertBadBoundary(String reason, String contentType) {
        MultipartException e = assertThrows(MultipartException.class, () -> MultipartDecoder.boundary(contentType));
        assertEquals("The form's boundary " + reason + ".", e.getMessage(), contentType);
    }

    /** A browser-like form: one file part, then the close delimiter. */
    private static byte[] fileForm(byte[] file) {
        return bytes("--", B, "\r\n",
                "Content-Disposition: ", FILE_DISPOSITION, "\r\n",
                "Content-Type: ", OCTETS, "\r\n\r\n",
                file,
                "\r\n--", B, "--\r\n");
    }

    private static byte[] singlePart(String disposition, byte[] content) {
        return bytes("--", B, "\r\nContent-Disposition: ", disposition, "\r\n\r\n", content, "\r\n--", B, "--\r\n");
    }

    /**
     * Up to 40 bytes drawn from {@code alphabet}, without {@code banned} in them even after a CRLF (content starts
     * after the CRLF that ends the part's headers).
     */
    private static byte[] noise(Random random, String alphabet, byte[] banned) {
        for (;;) {
            byte[] bytes = new byte[random.nextInt(41)];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) alphabet.charAt(random.nextInt(alphabet.length()));
            }
            if (!contains(bytes("\r\n", bytes), banned)) {
                return bytes;
            }
        }
    }

    private static boolean contains(byte[] bytes, byte[] part) {
        for (int i = 0; i + part.length <= bytes.length; i++) {
            if (Arrays.equals(bytes, i, i + part.length, part, 0, part.length)) {
                return true;
            }
        }
        return false;
    }

    /** Strings (as UTF-8) and byte arrays, concatenated. */
    private static byte[] bytes(Object... pieces) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object piece : pieces) {
            out.writeBytes(piece instanceof byte[] b ? b : piece.toString().getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }
}
