"""Print status is what the printer says: the jobs go to emulated printers on TCP and on a serial pty."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from common.core.clock import ManualClock
from common.core.model import PrintStatus
from common.devices import printer_status as ps
from common.devices.printer_status import PrinterState
from common.devices.printing import PrintError, PrinterSettings, TicketPrinter, deliver_job, send, transfer_seconds
from common.store import Store
from tests.common.printer_emulator import EscPosParser, SerialPrinter, TcpPrinter
from tests.common.test_printing import config_with

JOB = b"\x1b@" + b"\x1dv0\x00\x48\x00\x10\x00" + bytes([0x10, 0x04, 0x02] * 384) + b"hello\n\x1dV\x00"


@pytest.fixture
def tcp() -> Iterator[TcpPrinter]:
    printer = TcpPrinter()
    yield printer
    printer.close()


@pytest.fixture
def serial_printer() -> Iterator[SerialPrinter]:
    printer = SerialPrinter()
    yield printer
    printer.close()


def net(printer: TcpPrinter, **kw: object) -> PrinterSettings:
    return PrinterSettings(type="network", host="127.0.0.1", port=printer.port, **kw)  # type: ignore[arg-type]


def test_status_bytes_round_trip() -> None:
    for state in (PrinterState(), PrinterState(paper_out=True), PrinterState(cover_open=True),
                  PrinterState(paper_near_end=True), PrinterState(error=True)):
        assert PrinterState.decode(state.encode()) == state
    with pytest.raises(ValueError):
        PrinterState.decode(b"\x00\xff")


def test_the_emulator_skips_raster_data_that_looks_like_a_status_query() -> None:
    parser = EscPosParser()
    answered = [n for i in range(0, len(JOB) + 6, 7) for n in parser.feed((JOB + ps.QUERY)[i:i + 7])]
    assert answered == [2, 4]  # only the real query after the image, whatever the chunking


def test_a_printer_that_answers_ok_after_the_job_is_printed(tcp: TcpPrinter) -> None:
    assert send(net(tcp), JOB).status is PrintStatus.PRINTED
    assert bytes(tcp.behaviour.received) == ps.QUERY + JOB + ps.QUERY  # asked before and after


@pytest.mark.parametrize(("fault", "reason"), [("paper_out", ps.PAPER_OUT), ("open_cover", ps.COVER_OPEN)])
def test_paper_out_and_cover_open_refuse_the_job_before_any_byte(tcp: TcpPrinter, fault: str, reason: str) -> None:
    getattr(tcp.behaviour, fault)()
    with pytest.raises(PrintError) as caught:
        send(net(tcp), JOB)
    assert str(caught.value) == reason
    assert bytes(tcp.behaviour.received) == ps.QUERY  # nothing of the ticket was sent


def test_a_printer_that_never_answers_is_not_printed(tcp: TcpPrinter) -> None:
    tcp.behaviour.silent = True
    with pytest.raises(PrintError, match=ps.NO_ANSWER):
        send(net(tcp, timeout_seconds=0.3), JOB)


def test_a_printer_that_stops_reading_is_a_stall_not_printed(tcp: TcpPrinter) -> None:
    tcp.behaviour.stall()  # it took the connection and reads nothing: the bytes sit in the socket buffers
    with pytest.raises(PrintError) as caught:
        send(net(tcp, timeout_seconds=0.3), JOB)
    assert str(caught.value) in (ps.NO_ANSWER, ps.STALLED)


def test_a_printer_that_reads_part_and_closes_is_a_lost_connection(tcp: TcpPrinter) -> None:
    tcp.behaviour.read_limit = len(ps.QUERY) + 1024  # answers the first query, reads 1 KiB, closes
    with pytest.raises(PrintError, match=ps.CONNECTION_LOST):
        send(net(tcp, timeout_seconds=1.0), JOB * 8)


def test_after_a_reset_the_printer_prints_again(tcp: TcpPrinter) -> None:
    tcp.behaviour.paper_out()
    with pytest.raises(PrintError):
        send(net(tcp), JOB)
    tcp.behaviour.reset()
    assert send(net(tcp), JOB).status is PrintStatus.PRINTED


def test_paper_near_end_prints_with_a_warning(tcp: TcpPrinter) -> None:
    tcp.behaviour.paper_near_end()
    outcome = send(net(tcp), JOB)
    assert outcome.status is PrintStatus.PRINTED and outcome.warning == ps.PAPER_NEAR_END


def test_a_model_without_status_is_sent_never_printed(tcp: TcpPrinter) -> None:
    assert send(net(tcp, status="none"), JOB).status is PrintStatus.SENT
    tcp.wait_received(len(JOB))
    assert bytes(tcp.behaviour.received) == JOB  # and it was not asked


def test_nobody_listening_is_a_clear_failure() -> None:
    with pytest.raises(PrintError, match="không kết nối được máy in"):
        send(PrinterSettings(type="network", host="127.0.0.1", port=1, timeout_seconds=0.5), JOB)


def test_the_serial_printer_answers_over_a_pty(serial_printer: SerialPrinter) -> None:
    settings = PrinterSettings(type="serial", serial_device=serial_printer.device, baudrate=9600)
    assert send(settings, JOB).status is PrintStatus.PRINTED
    serial_printer.behaviour.open_cover()
    with pytest.raises(PrintError, match=ps.COVER_OPEN):
        send(settings, JOB)


def test_a_serial_printer_that_stalls_is_not_printed(serial_printer: SerialPrinter) -> None:
    serial_printer.behaviour.stall()
    settings = PrinterSettings(type="serial", serial_device=serial_printer.device, baudrate=115200,
                               timeout_seconds=0.3)
    with pytest.raises(PrintError) as caught:
        send(settings, JOB * 20)  # more than the pty's buffer, about 2.5 s allowed at 115200 baud
    assert str(caught.value) in (ps.NO_ANSWER, ps.STALLED)


def test_a_serial_printer_that_goes_away_midway_is_a_lost_connection(serial_printer: SerialPrinter) -> None:
    serial_printer.behaviour.read_limit = len(ps.QUERY) + 512
    settings = PrinterSettings(type="serial", serial_device=serial_printer.device, timeout_seconds=1.0)
    with pytest.raises(PrintError) as caught:
        send(settings, JOB * 20)
    assert str(caught.value) in (ps.CONNECTION_LOST, ps.STALLED)


def test_the_timeout_grows_with_the_bytes_and_the_link_speed() -> None:
    # a 23 KB image ticket at 9600 baud takes about 24 s on the wire: a flat 5 s would cut it off
    assert transfer_seconds(23_000, 960, 5.0) > 23_000 / 960 + 5.0
    assert transfer_seconds(23_000, 960, 5.0) > transfer_seconds(2_000, 960, 5.0)


def test_the_failure_reason_is_recorded_in_vietnamese(store: Store, tcp: TcpPrinter, tmp_path: Path) -> None:
    config = config_with(tmp_path, f'type = "network"\nhost = "127.0.0.1"\nport = {tcp.port}')
    ticket = store.issue_ticket("TP", print_status=PrintStatus.PENDING).ticket
    tcp.behaviour.paper_out()
    failed, reason = deliver_job(store, TicketPrinter(config), ticket)
    assert failed.print_status is PrintStatus.FAILED and reason == ps.PAPER_OUT
    assert store.ticket(ticket.id).status.value == "waiting"  # the ticket stays valid and reprintable
    tcp.behaviour.reset()
    again, _ = deliver_job(store, TicketPrinter(config), ticket)
    assert again.print_status is PrintStatus.PRINTED


def test_cli_issue_print_fails_with_one_full_line_and_the_ticket_stays(sqlite_url: str, tmp_path: Path) -> None:
    import json
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from tests.common.test_printing import run_cli

    if datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).strftime("%H:%M") == "23:59":
        pytest.skip("TP closes for the last minute of the day")
    config = tmp_path / "office.toml"
    config_with(tmp_path, 'type = "network"\nhost = "127.0.0.1"\nport = 1\ntimeout_seconds = 0.5', always_open=True)
    assert run_cli("--config", str(config), "setup", "load", str(config), env_db=sqlite_url).returncode == 0
    result = run_cli("--config", str(config), "issue", "TP", "--print", "--json", env_db=sqlite_url)
    assert result.returncode == 2
    line = result.stderr.strip()
    assert len(line.splitlines()) == 1 and "vẫn hợp lệ, nhưng chưa in được: không kết nối được máy in" in line
    ticket = json.loads(result.stdout)["ticket"]
    assert ticket["print_status"] == "failed" and ticket["status"] == "waiting"


def test_paper_near_end_reaches_the_supervisors_live_view(store: Store, tcp: TcpPrinter, tmp_path: Path,
                                                          clock: ManualClock) -> None:
    config = config_with(tmp_path, f'type = "network"\nhost = "127.0.0.1"\nport = {tcp.port}')
    printer = TicketPrinter(config)
    tcp.behaviour.paper_near_end()
    first = store.issue_ticket("TP", print_status=PrintStatus.PENDING).ticket
    printed, warning = deliver_job(store, printer, first)
    assert printed.print_status is PrintStatus.PRINTED and warning == ps.PAPER_NEAR_END
    notice = store.views.live().printer_notice
    assert notice is not None and ps.PAPER_NEAR_END in notice and first.code in notice
    tcp.behaviour.reset()  # a new roll
    clock.advance(60)
    deliver_job(store, printer, store.issue_ticket("TP", print_status=PrintStatus.PENDING).ticket)
    assert store.views.live().printer_notice is None  # a clean print clears it
    tcp.behaviour.paper_out()
    clock.advance(60)
    deliver_job(store, printer, store.issue_ticket("TP", print_status=PrintStatus.PENDING).ticket)
    assert ps.PAPER_OUT in (store.views.live().printer_notice or "")


def test_escpos_done_waits_for_the_job_to_be_processed(tcp: TcpPrinter) -> None:
    """GS r 1 goes after the job and DLE EOT after that: printed once the printer says the job is done."""
    outcome = send(net(tcp, status="escpos-done"), JOB)
    assert outcome.status is PrintStatus.PRINTED and outcome.warning is None
    received = bytes(tcp.behaviour.received)
    assert received.index(JOB) + len(JOB) <= received.index(ps.GS_R_PAPER) < received.rindex(ps.QUERY)


def test_a_roll_that_ends_during_the_job_is_printed_for_dle_eot_and_failed_for_escpos_done(tcp: TcpPrinter) -> None:
    """DLE EOT is real-time: answered on arrival, it cannot see the end of the job; GS r 1 can."""
    tcp.behaviour.runs_out_during_job = True
    assert send(net(tcp), JOB).status is PrintStatus.PRINTED  # the limit of plain escpos, kept visible
    with pytest.raises(PrintError, match=ps.PAPER_OUT):
        send(net(tcp, status="escpos-done"), JOB)


def test_a_job_the_printer_never_reports_done_is_not_printed(tcp: TcpPrinter) -> None:
    tcp.behaviour.never_done = True
    with pytest.raises(PrintError, match=ps.DONE_TIMEOUT):
        send(net(tcp, status="escpos-done", timeout_seconds=0.3), JOB)


def test_paper_sensor_answers_decode() -> None:
    assert ps.decode_paper_sensor(ps.encode_paper_sensor(False, False)) is None
    assert ps.decode_paper_sensor(ps.encode_paper_sensor(False, True)) == ps.PAPER_NEAR_END
    assert ps.decode_paper_sensor(ps.encode_paper_sensor(True, False)) == ps.PAPER_OUT
    with pytest.raises(ValueError):
        ps.decode_paper_sensor(PrinterState().encode()[:1])  # a DLE EOT answer is not a paper sensor answer


def test_escpos_done_over_serial(serial_printer: SerialPrinter) -> None:
    settings = PrinterSettings(type="serial", serial_device=serial_printer.device, baudrate=115200,
                               status="escpos-done")
    assert send(settings, JOB).status is PrintStatus.PRINTED
