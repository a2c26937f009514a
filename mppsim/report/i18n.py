"""What the report and the printed table say, in Bahasa Indonesia and in English.

One catalogue per language (``CATALOGUES["id"]``, ``CATALOGUES["en"]``), the same
keys in both; ``Texts`` looks a key up and fills its ``{placeholders}`` with
numbers, dates and clock times written the language's way (``12,5 menit``,
``1.520``, ``2 Desember 2026``, ``08.00`` in Indonesian; ``12.5 min``,
``1,520``, ``2 December 2026``, ``08:00`` in English). This module imports
neither matplotlib nor jinja2, so the command line can use it cheaply.
"""

from __future__ import annotations

import math
import string
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

__all__ = ["CATALOGUES", "LANGUAGES", "Lang", "Texts", "resolve_lang"]

Lang = Literal["id", "en"]
LANGUAGES: tuple[Lang, ...] = ("id", "en")

EN: dict[str, str] = {
    # --- document
    "html_lang": "en",
    "doc_title": "{name}: waiting, losses and crowding",
    "subtitle": "Simulation report, {days} simulated days (seed {seed}), made {date}",
    "toc": "Contents",
    "na": "–",
    "unlimited": "unlimited",
    "minutes": "{value} min",
    "hours_unit": "h",
    "min_unit": "min",
    "plus_minus": "{value} ± {half}",
    "footnote_ci": "± is the 95% confidence half-width over the simulated days.",
    "generated_by": "Made by mppsim {version} from the files of the run's results folder alone.",
    # --- section titles
    "sec_headline": "In brief",
    "sec_arrivals": "Arrivals and counter capacity",
    "sec_queues": "Queues over the day",
    "sec_waits": "How long citizens wait",
    "sec_utilization": "Busy counters",
    "sec_close": "At closing: still waiting and overtime",
    "sec_building": "The building: floor plan and crowding",
    "sec_scenario": "The scenario in brief",
    "sec_sources": "Sources and assumptions",
    # --- headline sentences
    "head_wait": (
        "On an average simulated day {visitors} visitors come; those served wait "
        "{wait_mean} in all on average, and 9 in 10 wait less than {wait_p90}. "
        "{within} of them wait no longer than the {standard} service standard."
    ),
    "head_none_served": "On an average simulated day {visitors} visitors come, and none is served.",
    "head_lost": "{lost} visitors ({share}) leave without all their services: {reasons}.",
    "head_lost_none": "No visitor leaves without their services.",
    "head_miss": "{count} of {total} agencies miss the {standard} standard on average: {names}.",
    "head_miss_none": "Every agency meets the {standard} standard on average.",
    "head_most_waiting": (
        "The most waiting time piles up at {name}: {hours} visitor-hours a day "
        "({arrivals} requests, mean wait {wait}, counters {util} busy)."
    ),
    "list_and": "and",
    "quota_item": "quota {n}/day",
    "hours_mpp": "MPP hours",
    "stages_item": "{n} steps",
    "head_table": "Per agency, mean per simulated day",
    "col_wait_hours": "Visitor-hours waiting",
    "reason_list_item": "{count} {reason}",
    # --- loss reasons
    "reason_balked": "balked at a long queue",
    "reason_zone_full": "balked at a full waiting area",
    "reason_reneged": "gave up waiting",
    "reason_quota": "turned away (daily quota used up)",
    "reason_closing": "turned away (after the ticket cut-off)",
    "reason_closed": "turned away (agency closed)",
    "reason_no_show": "absent when called",
    "losses_title": "Visitors lost per day, by reason",
    "losses_note": (
        "Agency rows count service requests; the MPP row counts visitors (a visitor is "
        "lost with the first service they did not get)."
    ),
    # --- tables
    "col_agency": "Agency",
    "col_arrivals": "Arrivals",
    "col_served": "Served",
    "col_lost": "Lost",
    "col_wait_mean": "Mean wait (min)",
    "col_wait_p90": "p90 wait (min)",
    "col_within": "Within standard",
    "col_utilization": "Busy",
    "col_queue_max": "Longest queue",
    "col_still_waiting": "Still waiting at close",
    "col_overtime": "Overtime (min)",
    "col_group": "Counter group",
    "col_counters": "Counters",
    "col_services": "Services",
    "col_hours": "Hours",
    "col_breaks": "Breaks",
    "col_zone": "Zone",
    "col_floor": "Floor",
    "col_seats": "Seats",
    "col_peak": "Peak occupancy",
    "col_mean_occ": "Mean occupancy",
    "col_over_seats": "Minutes over seats",
    "col_field": "Field",
    "col_basis": "Basis",
    "col_note": "Note",
    "col_reference": "Reference",
    "col_walking": "Walking (min)",
    "col_crowded": "Most crowded zone",
    "row_mpp": "MPP (visitors)",
    "row_total": "Total",
    "basis_sourced": "sourced",
    "basis_derived": "derived",
    "basis_assumed": "assumed",
    # --- figures
    "fig_arrivals_title": "Requests per hour and what the open counters can serve",
    "fig_arrivals_y": "requests per hour",
    "fig_arrivals_bar": "requests arriving (mean per day)",
    "fig_arrivals_cap": "capacity of the counters on duty",
    "fig_arrivals_note": (
        "Capacity: counters on duty × 60 ÷ mean counter minutes per request at that agency. "
        "Where the bars rise above the line, the queue grows."
    ),
    "fig_queue_title": "Visitors waiting at each agency over the day",
    "fig_queue_y": "visitors waiting",
    "fig_queue_mean": "mean over the simulated days",
    "fig_queue_band": "10th–90th percentile of the days",
    "fig_wait_title": "Wait per request at each agency (served requests)",
    "fig_wait_x": "wait (minutes)",
    "fig_wait_standard": "service standard ({standard})",
    "fig_wait_note": (
        "Box: middle half of the waits, line: median, diamond: mean, whiskers: 5th to 95th "
        "percentile."
    ),
    "fig_util_title": "Share of on-duty counter time spent serving",
    "fig_util_x": "busy (% of on-duty time)",
    "fig_util_note": (
        "Agencies: over their opening hours and any overtime. Counter groups: over the "
        "scheduled hours, breaks excluded."
    ),
    "fig_duty_title": "Counters on duty over the day",
    "fig_duty_y": "counters on duty",
    "fig_zone_title": "Visitors in each waiting area over the day, against its seats",
    "fig_zone_y": "visitors present",
    "fig_zone_seats": "seats",
    "fig_zone_mean": "mean over the simulated days",
    "fig_zone_band": "10th–90th percentile of the days",
    "fig_close_title": "Still waiting at closing and overtime, per agency",
    "axis_clock": "time of day",
    "axis_hours": "hours since start",
    # --- floor plan
    "fp_title": "{name}: floor plan and crowding",
    "fp_peak": "peak {peak} / {seats} seats",
    "fp_counters_one": "{n} counter",
    "fp_counters_many": "{n} counters",
    "fp_wait": "wait {wait}",
    "fp_kiosk": "ticket kiosks",
    "fp_info": "information desk",
    "fp_entrance": "entrance",
    "fp_colorbar": "peak occupancy ÷ seats",
    "fp_x": "x (m)",
    "fp_y": "y (m)",
    "fp_key": "Numbers in the plan: zones A, B, … as listed below.",
    # --- section texts
    "arrivals_text": (
        "Each panel is one agency: bars are the requests arriving per hour, the line what its "
        "counters on duty could serve in that hour."
    ),
    "queues_text": "Each panel is one agency, on its own scale.",
    "waits_text": "{within} of all visitors are called within the {standard} standard.",
    "close_text": (
        "Ticket issuing stops at the cut-off; everyone holding a ticket is still served. "
        "The MPP's last counter closes {overtime} after the scheduled closing on average."
    ),
    "close_text_none": "No agency works past its scheduled closing.",
    "building_text": (
        "Walking adds {walking} per visitor on average. Zones are coloured by their peak "
        "occupancy against their seats (green: seats to spare, red: people standing)."
    ),
    "scenario_text": (
        "{agencies} agencies with {counters} counters; {visitors} walk-in visitors expected "
        "on a {day_type} (demand factor {factor})."
    ),
    "scenario_text_horizon": (
        "{agencies} agencies with {counters} counters; a steady-state run of {duration} after a "
        "warm-up of {warmup}."
    ),
    "hours_text": "Open {open}–{close}, tickets until {cutoff}, kiosks from {kiosk}.",
    "day_weekday": "weekday",
    "day_friday": "Friday",
    "day_saturday": "Saturday",
    "break_item": "{name} {start}–{end} ({closed})",
    "break_all": "all counters",
    "break_share": "{n} of {total} counters",
    "no_breaks": "none",
    "sources_text": (
        "Where the scenario's numbers come from, as its sources block says. Assumed numbers are "
        "placeholders to vary, not facts."
    ),
    "sources_none": "The scenario gives no sources.",
    "run_facts": "mppsim {version}, Python {python}, seed {seed}, {days} simulated days.",
    # --- terminal
    "term_title": "{name} — mean per simulated day",
    "term_caption": (
        "lost = B balked at the queue + G gave up waiting + T turned away + A absent when "
        "called; wait: minutes, mean ± 95% confidence half-width; p90: 90th percentile; busy: "
        "counter utilization; overtime: minutes past closing"
    ),
    "term_agency": "agency",
    "term_arrivals": "arrivals",
    "term_served": "served",
    "term_lost": "lost",
    "term_lost_split": "B/G/T/A",
    "term_wait": "wait",
    "term_p90": "p90",
    "term_busy": "busy",
    "term_overtime": "overtime",
    "term_mpp": "MPP (visitors)",
    "term_days": "{n} replications (simulated days), seed {seed}, {seconds} s.",
    "term_walking": "Walking per visitor: {walking} min. Most crowded zone: {zone}, peak {peak} "
    "for {seats} seats.",
    "term_turned": "Turned away: quota {quota}, after cut-off {closing}, closed {closed}.",
    "term_results": "Results: {folder}",
    "term_report": "Report: {path}",
    "term_floor_plan": "Floor plan: {path}",
}

ID: dict[str, str] = {
    "html_lang": "id",
    "doc_title": "{name}: antrean, pengunjung hilang dan kepadatan",
    "subtitle": "Laporan simulasi, {days} hari simulasi (seed {seed}), dibuat {date}",
    "toc": "Daftar isi",
    "na": "–",
    "unlimited": "tak terbatas",
    "minutes": "{value} menit",
    "hours_unit": "jam",
    "min_unit": "menit",
    "plus_minus": "{value} ± {half}",
    "footnote_ci": "± adalah setengah lebar selang kepercayaan 95% atas hari-hari simulasi.",
    "generated_by": "Dibuat oleh mppsim {version} hanya dari berkas-berkas folder hasil simulasi.",
    "sec_headline": "Ringkasan",
    "sec_arrivals": "Kedatangan dan kapasitas loket",
    "sec_queues": "Antrean sepanjang hari",
    "sec_waits": "Berapa lama warga menunggu",
    "sec_utilization": "Kesibukan loket",
    "sec_close": "Saat tutup: masih menunggu dan lembur",
    "sec_building": "Gedung: denah dan kepadatan",
    "sec_scenario": "Skenario secara ringkas",
    "sec_sources": "Sumber dan asumsi",
    "head_wait": (
        "Pada rata-rata hari simulasi datang {visitors} pengunjung; yang terlayani menunggu "
        "total {wait_mean} rata-rata, dan 9 dari 10 menunggu kurang dari {wait_p90}. "
        "{within} di antaranya menunggu tidak lebih dari standar pelayanan {standard}."
    ),
    "head_none_served": (
        "Pada rata-rata hari simulasi datang {visitors} pengunjung, dan tidak seorang pun "
        "terlayani."
    ),
    "head_lost": "{lost} pengunjung ({share}) pulang tanpa semua layanannya: {reasons}.",
    "head_lost_none": "Tidak ada pengunjung yang pulang tanpa layanannya.",
    "head_miss": ("{count} dari {total} instansi rata-rata melampaui standar {standard}: {names}."),
    "head_miss_none": "Semua instansi rata-rata memenuhi standar {standard}.",
    "head_most_waiting": (
        "Waktu tunggu terbanyak menumpuk di {name}: {hours} jam-pengunjung per hari "
        "({arrivals} permohonan, rata-rata tunggu {wait}, loket sibuk {util})."
    ),
    "list_and": "dan",
    "quota_item": "kuota {n}/hari",
    "hours_mpp": "jam MPP",
    "stages_item": "{n} tahap",
    "head_table": "Per instansi, rata-rata per hari simulasi",
    "col_wait_hours": "Jam-pengunjung menunggu",
    "reason_list_item": "{count} {reason}",
    "reason_balked": "batal karena antrean panjang",
    "reason_zone_full": "batal karena ruang tunggu penuh",
    "reason_reneged": "menyerah menunggu",
    "reason_quota": "ditolak (kuota harian habis)",
    "reason_closing": "ditolak (lewat batas pengambilan nomor)",
    "reason_closed": "ditolak (instansi tutup)",
    "reason_no_show": "tidak hadir saat dipanggil",
    "losses_title": "Pengunjung hilang per hari, menurut alasan",
    "losses_note": (
        "Baris instansi menghitung permohonan layanan; baris MPP menghitung pengunjung "
        "(pengunjung dihitung hilang pada layanan pertama yang tidak didapatnya)."
    ),
    "col_agency": "Instansi",
    "col_arrivals": "Kedatangan",
    "col_served": "Terlayani",
    "col_lost": "Hilang",
    "col_wait_mean": "Rata-rata tunggu (menit)",
    "col_wait_p90": "Tunggu p90 (menit)",
    "col_within": "Dalam standar",
    "col_utilization": "Sibuk",
    "col_queue_max": "Antrean terpanjang",
    "col_still_waiting": "Masih menunggu saat tutup",
    "col_overtime": "Lembur (menit)",
    "col_group": "Kelompok loket",
    "col_counters": "Loket",
    "col_services": "Layanan",
    "col_hours": "Jam layanan",
    "col_breaks": "Istirahat",
    "col_zone": "Zona",
    "col_floor": "Lantai",
    "col_seats": "Kursi",
    "col_peak": "Isi puncak",
    "col_mean_occ": "Isi rata-rata",
    "col_over_seats": "Menit melebihi kursi",
    "col_field": "Isian",
    "col_basis": "Dasar",
    "col_note": "Catatan",
    "col_reference": "Rujukan",
    "col_walking": "Berjalan (menit)",
    "col_crowded": "Zona terpadat",
    "row_mpp": "MPP (pengunjung)",
    "row_total": "Jumlah",
    "basis_sourced": "bersumber",
    "basis_derived": "diturunkan",
    "basis_assumed": "asumsi",
    "fig_arrivals_title": "Permohonan per jam dan kemampuan loket yang buka",
    "fig_arrivals_y": "permohonan per jam",
    "fig_arrivals_bar": "permohonan datang (rata-rata per hari)",
    "fig_arrivals_cap": "kapasitas loket yang bertugas",
    "fig_arrivals_note": (
        "Kapasitas: loket bertugas × 60 ÷ rata-rata menit di loket per permohonan di instansi "
        "itu. Di mana batang melewati garis, antrean bertambah."
    ),
    "fig_queue_title": "Pengunjung yang menunggu di tiap instansi sepanjang hari",
    "fig_queue_y": "pengunjung menunggu",
    "fig_queue_mean": "rata-rata hari simulasi",
    "fig_queue_band": "persentil ke-10 sampai ke-90 hari simulasi",
    "fig_wait_title": "Waktu tunggu per permohonan di tiap instansi (yang terlayani)",
    "fig_wait_x": "waktu tunggu (menit)",
    "fig_wait_standard": "standar pelayanan ({standard})",
    "fig_wait_note": (
        "Kotak: separuh tengah waktu tunggu, garis: median, belah ketupat: rata-rata, kumis: "
        "persentil ke-5 sampai ke-95."
    ),
    "fig_util_title": "Bagian waktu bertugas loket yang dipakai melayani",
    "fig_util_x": "sibuk (% waktu bertugas)",
    "fig_util_note": (
        "Instansi: selama jam layanan dan lemburnya. Kelompok loket: selama jam terjadwal, "
        "di luar istirahat."
    ),
    "fig_duty_title": "Loket yang bertugas sepanjang hari",
    "fig_duty_y": "loket bertugas",
    "fig_zone_title": "Pengunjung di tiap ruang tunggu sepanjang hari, dibanding kursinya",
    "fig_zone_y": "pengunjung di ruang",
    "fig_zone_seats": "kursi",
    "fig_zone_mean": "rata-rata hari simulasi",
    "fig_zone_band": "persentil ke-10 sampai ke-90 hari simulasi",
    "fig_close_title": "Masih menunggu saat tutup dan lembur, per instansi",
    "axis_clock": "waktu",
    "axis_hours": "jam sejak mulai",
    "fp_title": "{name}: denah dan kepadatan",
    "fp_peak": "puncak {peak} / {seats} kursi",
    "fp_counters_one": "{n} loket",
    "fp_counters_many": "{n} loket",
    "fp_wait": "tunggu {wait}",
    "fp_kiosk": "kios antrean",
    "fp_info": "meja informasi",
    "fp_entrance": "pintu masuk",
    "fp_colorbar": "isi puncak ÷ kursi",
    "fp_x": "x (m)",
    "fp_y": "y (m)",
    "fp_key": "Angka pada denah: zona A, B, … seperti daftar di bawah.",
    "arrivals_text": (
        "Tiap panel satu instansi: batang adalah permohonan yang datang per jam, garis adalah "
        "yang dapat dilayani loket yang bertugas pada jam itu."
    ),
    "queues_text": "Tiap panel satu instansi, dengan skalanya sendiri.",
    "waits_text": "{within} dari semua pengunjung dipanggil dalam standar {standard}.",
    "close_text": (
        "Pengambilan nomor berhenti pada batas waktunya; semua yang memegang nomor tetap "
        "dilayani. Loket terakhir MPP rata-rata tutup {overtime} setelah jam tutup terjadwal."
    ),
    "close_text_none": "Tidak ada instansi yang bekerja melewati jam tutupnya.",
    "building_text": (
        "Berjalan menambah rata-rata {walking} per pengunjung. Warna zona menurut isi puncaknya "
        "dibanding kursinya (hijau: kursi masih tersisa, merah: ada yang berdiri)."
    ),
    "scenario_text": (
        "{agencies} instansi dengan {counters} loket; {visitors} pengunjung langsung diharapkan "
        "pada {day_type} (faktor permintaan {factor})."
    ),
    "scenario_text_horizon": (
        "{agencies} instansi dengan {counters} loket; simulasi keadaan tunak selama {duration} "
        "setelah pemanasan {warmup}."
    ),
    "hours_text": (
        "Buka {open}–{close}, nomor antrean sampai {cutoff}, kios antrean mulai {kiosk}."
    ),
    "day_weekday": "hari kerja biasa",
    "day_friday": "hari Jumat",
    "day_saturday": "hari Sabtu",
    "break_item": "{name} {start}–{end} ({closed})",
    "break_all": "semua loket",
    "break_share": "{n} dari {total} loket",
    "no_breaks": "tidak ada",
    "sources_text": (
        "Asal angka-angka skenario, menurut blok sources-nya. Angka asumsi adalah nilai awal "
        "untuk divariasikan, bukan fakta."
    ),
    "sources_none": "Skenario tidak menyebut sumber.",
    "run_facts": "mppsim {version}, Python {python}, seed {seed}, {days} hari simulasi.",
    "term_title": "{name} — rata-rata per hari simulasi",
    "term_caption": (
        "hilang = B batal karena antrean + M menyerah menunggu + T ditolak + A absen (tidak "
        "hadir saat dipanggil); tunggu: menit, rata-rata ± setengah lebar selang kepercayaan 95%; p90: "
        "persentil ke-90; sibuk: utilisasi loket; lembur: menit setelah jam tutup"
    ),
    "term_agency": "instansi",
    "term_arrivals": "datang",
    "term_served": "dilayani",
    "term_lost": "hilang",
    "term_lost_split": "B/M/T/A",
    "term_wait": "tunggu",
    "term_p90": "p90",
    "term_busy": "sibuk",
    "term_overtime": "lembur",
    "term_mpp": "MPP (pengunjung)",
    "term_days": "{n} replikasi (hari simulasi), seed {seed}, {seconds} detik.",
    "term_walking": "Berjalan per pengunjung: {walking} menit. Zona terpadat: {zone}, puncak "
    "{peak} untuk {seats} kursi.",
    "term_turned": "Ditolak: kuota {quota}, lewat batas nomor {closing}, tutup {closed}.",
    "term_results": "Hasil: {folder}",
    "term_report": "Laporan: {path}",
    "term_floor_plan": "Denah: {path}",
}

CATALOGUES: dict[str, dict[str, str]] = {"en": EN, "id": ID}
"""Every text of the report and the printed table, by language."""

MONTHS = {
    "en": (
        "January", "February", "March", "April", "May", "June", "July", "August",
        "September", "October", "November", "December",
    ),
    "id": (
        "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
        "September", "Oktober", "November", "Desember",
    ),
}  # fmt: skip


def resolve_lang(lang: str | None, scenario_language: str | None = None) -> Lang:
    """Return the language to use: ``lang`` if given, else the scenario's, else English.

    Raises
    ------
    ValueError
        When ``lang`` is not one of ``LANGUAGES``.
    """
    chosen = lang if lang is not None else (scenario_language or "en")
    if chosen not in LANGUAGES:
        raise ValueError(f"unknown language '{chosen}': use one of {', '.join(LANGUAGES)}")
    return chosen  # type: ignore[return-value]


def placeholders(text: str) -> set[str]:
    """Return the ``{names}`` a catalogue text expects."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@dataclass(frozen=True)
class Texts:
    """The texts and number formats of one language.

    Parameters
    ----------
    lang : {"id", "en"}
        The language.
    """

    lang: Lang

    def __call__(self, key: str, /, **values: object) -> str:
        """Return the text ``key`` with its placeholders filled in.

        Raises
        ------
        KeyError
            When the catalogue has no such key (never silently untranslated).
        """
        text = CATALOGUES[self.lang][key]
        return text.format(**values) if values else text

    def num(self, value: float | None, digits: int = 1) -> str:
        """Write a number: ``1,520.5`` in English, ``1.520,5`` in Indonesian."""
        if value is None or not math.isfinite(value):
            return self("na")
        text = f"{value:,.{digits}f}"
        if self.lang == "id":
            text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
        return text

    def count(self, value: float | None) -> str:
        """Write a count (no decimals)."""
        return self.num(value, 0)

    def pct(self, share: float | None, digits: int = 0) -> str:
        """Write a share (0–1) as a percentage: ``54%``, ``8,9%``."""
        if share is None or not math.isfinite(share):
            return self("na")
        return f"{self.num(100.0 * share, digits)}%"

    def minutes(self, value: float | None, digits: int = 1) -> str:
        """Write minutes with their unit: ``12.5 min``, ``12,5 menit``."""
        if value is None or not math.isfinite(value):
            return self("na")
        return self("minutes", value=self.num(value, digits))

    def clock(self, minutes: float) -> str:
        """Write minutes since midnight as a clock time: ``08:00``, ``08.00``."""
        total = round(minutes)
        hours, mins = divmod(total, 60)
        sep = "." if self.lang == "id" else ":"
        return f"{hours:02d}{sep}{mins:02d}"

    def date(self, when: date | datetime) -> str:
        """Write a date: ``2 December 2026``, ``2 Desember 2026``."""
        return f"{when.day} {MONTHS[self.lang][when.month - 1]} {when.year}"

    def join(self, items: list[str]) -> str:
        """Join items as a sentence list: ``a, b and c``, ``a, b dan c``."""
        if len(items) <= 1:
            return "".join(items)
        return f"{', '.join(items[:-1])} {self('list_and')} {items[-1]}"
