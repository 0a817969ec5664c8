/* Officer console: calendar upkeep — a year's extra days off and make-up working days, and the
   agency's office hours — through the admin API (which validates, audits and applies at once). */
(function () {
  'use strict';
  if (!DVC.officerCall) return;
  var call = DVC.officerCall;
  var message = document.getElementById('calendar-message');
  var yearForm = document.getElementById('calendar-year-form');
  var hoursForm = document.getElementById('office-hours-form');
  var year = document.getElementById('f-year');
  var session = DVC.officerSession;

  function say(text) { message.textContent = text; message.hidden = false; }
  function lines(items) { return items.map(function (d) { return d.date + ' | ' + d.reason; }).join('\n'); }
  function parse(text) {
    return text.split('\n').map(function (l) { return l.trim(); }).filter(Boolean).map(function (l) {
      var parts = l.split('|');
      return { date: parts[0].trim(), reason: (parts.slice(1).join('|').trim() || 'Theo thông báo') };
    });
  }
  async function loadYear() {
    var answer = await call('GET', '/v1/admin/calendar/' + year.value);
    if (answer.status !== 200) return say(DVC.message(answer.data));
    document.getElementById('f-days-off').value = lines(answer.data.days_off);
    document.getElementById('f-working-days').value = lines(answer.data.working_days);
    document.getElementById('f-year-version').value = answer.data.version;
  }
  async function loadHours() {
    var answer = await call('GET', '/v1/admin/office-hours/' + session.agency);
    if (answer.status !== 200) { hoursForm.hidden = true; return; }
    document.getElementById('f-weekdays').value = answer.data.weekdays;
    document.getElementById('f-saturday').value = answer.data.saturday || '';
    document.getElementById('f-hours-version').value = answer.data.version;
  }
  document.getElementById('calendar-load').addEventListener('click', loadYear);
  yearForm.addEventListener('submit', async function (e) {
    e.preventDefault();
    var body = {
      days_off: parse(document.getElementById('f-days-off').value),
      working_days: parse(document.getElementById('f-working-days').value),
      version: Number(document.getElementById('f-year-version').value),
    };
    var answer = await call('PUT', '/v1/admin/calendar/' + year.value, body);
    if (answer.status !== 200) return say(DVC.message(answer.data));
    document.getElementById('f-year-version').value = answer.data.version;
    say('Đã công bố lịch năm ' + year.value + '.');
  });
  hoursForm.addEventListener('submit', async function (e) {
    e.preventDefault();
    var saturday = document.getElementById('f-saturday').value.trim();
    var body = {
      weekdays: document.getElementById('f-weekdays').value.trim(),
      saturday: saturday || null,
      version: Number(document.getElementById('f-hours-version').value),
    };
    var answer = await call('PUT', '/v1/admin/office-hours/' + session.agency, body);
    if (answer.status !== 200) return say(DVC.message(answer.data));
    document.getElementById('f-hours-version').value = answer.data.version;
    say('Đã lưu giờ làm việc.');
  });
  loadYear();
  loadHours();
})();
