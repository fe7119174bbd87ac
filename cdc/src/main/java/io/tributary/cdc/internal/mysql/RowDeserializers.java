package io.tributary.cdc.internal.mysql;

import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.DeleteRowsEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.UpdateRowsEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.WriteRowsEventDataDeserializer;
import com.github.shyiko.mysql.binlog.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

/**
 * The binlog reader's event deserializer with our own decoding of {@code TIME} values (the binary format MySQL
 * 5.6.4+ and MariaDB write, {@code MYSQL_TYPE_TIME2}): the library's ignores the sign, so {@code -01:00:00}
 * arrived as {@code 1023:00:00}. Values come as signed microseconds, as the library gives the other temporal
 * types in {@code DATE_AND_TIME_AS_LONG_MICRO} mode. The rows deserializers need the table maps, which the
 * event deserializer keeps to itself: they are recorded here as the events pass.
 */
final class RowDeserializers {
    private RowDeserializers() {
    }

    /** A deserializer with the row deserializers replaced; set its compatibility modes afterwards. */
    static EventDeserializer eventDeserializer() {
        Map<Long, TableMapEventData> tableMaps = new HashMap<>();
        EventDeserializer d = new EventDeserializer() {
            @Override
            public Event nextEvent(ByteArrayInputStream in) throws IOException {
                Event e = super.nextEvent(in);
                if (e != null && e.getHeader().getEventType() == EventType.TABLE_MAP) {
                    TableMapEventData t = e.getData();
                    tableMaps.put(t.getTableId(), t);
                }
                return e;
            }
        };
        d.setEventDataDeserializer(EventType.WRITE_ROWS, new Write(tableMaps));
        d.setEventDataDeserializer(EventType.EXT_WRITE_ROWS, new Write(tableMaps).setMayContainExtraInformation(true));
        d.setEventDataDeserializer(EventType.UPDATE_ROWS, new Update(tableMaps));
        d.setEventDataDeserializer(EventType.EXT_UPDATE_ROWS, new Update(tableMaps).setMayContainExtraInformation(true));
        d.setEventDataDeserializer(EventType.DELETE_ROWS, new Delete(tableMaps));
        d.setEventDataDeserializer(EventType.EXT_DELETE_ROWS, new Delete(tableMaps).setMayContainExtraInformation(true));
        return d;
    }

    /**
     * A {@code TIME2} value as signed microseconds. The integer part is 3 bytes big-endian, offset by 0x800000;
     * the fraction 0 to 3 bytes by precision ({@code meta}). For a negative value with a fraction the stored
     * integer part is one lower and the fraction complemented (MySQL's {@code my_time_packed_from_binary}); 5-6
     * digits are one 6-byte number offset by 0x800000000000. The packed value holds hours (10 bits), minutes and
     * seconds (6 bits each) above 24 bits of fraction.
     */
    static long time2Micros(int meta, ByteArrayInputStream in) throws IOException {
        long packed;
        switch ((meta + 1) / 2) {
            case 0 -> packed = (bigEndian(in.read(3)) - 0x800000L) << 24;
            case 1 -> {
                long intPart = bigEndian(in.read(3)) - 0x800000L;
                long frac = in.read(1)[0] & 0xFF;
                if (intPart < 0 && frac != 0) {
                    intPart++;
                    frac -= 0x100;
                }
                packed = (intPart << 24) + frac * 10_000;
            }
            case 2 -> {
                long intPart = bigEndian(in.read(3)) - 0x800000L;
                long frac = bigEndian(in.read(2));
                if (intPart < 0 && frac != 0) {
                    intPart++;
                    frac -= 0x10000;
                }
                packed = (intPart << 24) + frac * 100;
            }
            default -> packed = bigEndian(in.read(6)) - 0x800000000000L;
        }
        boolean negative = packed < 0;
        long abs = Math.abs(packed);
        long hms = abs >> 24;
        long micros = abs % (1L << 24);
        long hours = (hms >> 12) % (1 << 10);
        long minutes = (hms >> 6) % (1 << 6);
        long seconds = hms % (1 << 6);
        long total = ((hours * 60 + minutes) * 60 + seconds) * 1_000_000L + micros;
        return negative ? -total : total;
    }

    private static long bigEndian(byte[] bytes) {
        long v = 0;
        for (byte b : bytes) {
            v = (v << 8) | (b & 0xFF);
        }
        return v;
    }

    private static final class Write extends WriteRowsEventDataDeserializer {
        Write(Map<Long, TableMapEventData> tableMaps) {
            super(tableMaps);
        }

        @Override
        protected Serializable deserializeTimeV2(int meta, ByteArrayInputStream in) throws IOException {
            return time2Micros(meta, in);
        }
    }

    private static final class Update extends UpdateRowsEventDataDeserializer {
        Update(Map<Long, TableMapEventData> tableMaps) {
            super(tableMaps);
        }

        @Override
        protected Serializable deserializeTimeV2(int meta, ByteArrayInputStream in) throws IOException {
            return time2Micros(meta, in);
        }
    }

    private static final class Delete extends DeleteRowsEventDataDeserializer {
        Delete(Map<Long, TableMapEventData> tableMaps) {
            super(tableMaps);
        }

        @Override
        protected Serializable deserializeTimeV2(int meta, ByteArrayInputStream in) throws IOException {
            return time2Micros(meta, in);
        }
    }
}
