/* The one-stop desk's intake: scan each component (straight to S3, with progress), tick it off
   against the procedure's list, decide on the spot, then print the form the decision calls for
   (Form 01 receipt, Form 02 supplement, Form 03 refusal). Uses the console's officer session. */
(function () {
  'use strict';
  if (document.body.dataset.page !== 'console-intake' || !DVC.officerSession) return;
  var call = DVC.officerCall;
  var form = document.getElementById('intake');

  if (!form) return;

  var code = form.dataset.procedure;
  var summary = document.getElementById('error-summary');
  var message = document.getElementById('intake-message');
  var scans = {};
  var key = DVC.uuid();

  var consignment = document.getElementById('f-consignment');
  form.querySelectorAll('input[name=channel]').forEach(function (radio) {
    radio.addEventListener('change', function () { consignment.hidden = !document.getElementById('f-channel-post').checked; });
  });
  form.querySelectorAll('.upload input[type=file]').forEach(function (input) {
    input.addEventListener('change', function () { scan(input); });
  });

  async function scan(input) {
    var box = input.closest('.upload');
    var component = box.dataset.component;
    var status = document.getElementById(input.id + '-status');
    var bar = document.getElementById(input.id + '-progress');
    var file = input.files[0];
    DVC.clearErrors(box);
    delete scans[component];
    status.textContent = '';
    if (!file) return;
    var fail = function (text) {
      delete scans[component];
      box.querySelector('.upload-status').hidden = true;
      status.textContent = '';
      DVC.fieldError(input, input.dataset.label + ': ' + text);
    };
    if (box.dataset.types.split(',').indexOf(file.type) < 0) return fail('chỉ nhận tệp ' + box.dataset.typesLabel);
    if (file.size > Number(box.dataset.max)) return fail('tệp lớn hơn ' + box.dataset.maxMb + ' MB');
    scans[component] = { busy: true };
    box.querySelector('.upload-status').hidden = false;
    bar.value = 0;
    status.textContent = 'Đang tải lên “' + file.name + '”…';
    var answer = await call('POST', '/v1/officer/uploads', {
      procedure_code: code, component_code: component, filename: file.name, content_type: file.type, size_bytes: file.size,
    });
    if (answer.status !== 201) return fail(DVC.message(answer.data));
    try {
      await DVC.upload(answer.data.url, answer.data.fields, file, function (pct) { bar.value = pct; bar.setAttribute('aria-valuetext', pct + '%'); });
    } catch (e) {
      return fail('tải bản quét lên không thành công; vui lòng quét lại.');
    }
    bar.value = 100;
    scans[component] = { upload_id: answer.data.upload_id };
    status.textContent = 'Đã tải lên: ' + file.name + ' (' + DVC.fmt.size(file.size) + ')';
    status.className = 'upload-text ok';
    document.getElementById('check-' + component).checked = true;
  }

  function body() {
    var b = DVC.collectFields(form, { procedure_code: code, applicant: {}, attachments: [], notify: [] });
    if (b.channel !== 'post') delete b.consignment;
    Object.keys(scans).forEach(function (c) {
      if (scans[c].upload_id) b.attachments.push({ component_code: c, upload_id: scans[c].upload_id });
    });
    return b;
  }

  /* Accepting needs every required component checked against the paper and scanned. */
  function problems(b) {
    var items = [];
    var add = function (el, text) { items.push({ id: DVC.fieldError(el, text), message: text }); };
    form.querySelectorAll('.upload').forEach(function (box) {
      var check = box.querySelector('.component-check');
      var state = scans[box.dataset.component];
      if (state && state.busy) add(check, check.dataset.label + ': bản quét đang được tải lên');
      else if (b.decision.action === 'accept' && box.dataset.required === 'true' && !(check.checked && state)) {
        add(check, check.dataset.label + ': chưa đối chiếu và quét');
      }
    });
    return items;
  }

  form.addEventListener('submit', async function (e) {
    e.preventDefault();
    DVC.clearErrors(form);
    summary.hidden = true;
    var b = body();
    var found = problems(b);
    if (found.length) return DVC.summary(summary, found);
    var submit = document.getElementById('intake-submit');
    submit.disabled = true;
    var answer = await DVC.api('POST', '/v1/officer/dossiers', { body: b, headers: { 'Idempotency-Key': key } });
    submit.disabled = false;
    if (answer.status !== 201) {
      var details = (answer.data.error.details || []).map(function (d) {
        var el = DVC.byPath(form, d.field.replace(/\[\d+\]\..*$/, '')) || form;
        return { id: DVC.fieldError(el, d.message), message: d.message };
      });
      if (details.length) return DVC.summary(summary, details);
      return DVC.say(message, DVC.message(answer.data), 'error');
    }
    done(answer.data);
  });

  form.dataset.ready = 'true';

  function done(created) {
    form.hidden = true;
    var section = document.getElementById('intake-done');
    section.querySelector('[data-code]').textContent = created.code;
    section.querySelector('[data-summary]').textContent = created.decision.label +
      (created.due_at ? '. Hẹn trả kết quả: ' + DVC.fmt.datetime(created.due_at) : '') + '.';
    var print = document.getElementById('intake-print');
    print.textContent = 'In Mẫu ' + created.decision.form;
    print.href = created.form_url;
    print.addEventListener('click', function (e) {
      e.preventDefault();
      DVC.printForm(created.form_url, message);
    });
    document.getElementById('intake-open').href = '/can-bo/ho-so/' + encodeURIComponent(created.code);
    section.hidden = false;
    section.querySelector('h2').focus();
  }
})();
