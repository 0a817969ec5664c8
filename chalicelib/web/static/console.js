/* Officer console: the agency inbox, one dossier with only the
   actions the API lists in allowed_actions, the result upload and the printable forms. */
(function () {
  'use strict';
  var h = DVC.h;
  var page = document.body.dataset.page;
  var ROLES = { receptionist: 'Một cửa', specialist: 'Chuyên viên', leader: 'Lãnh đạo', admin: 'Quản trị', system: 'Hệ thống', citizen: 'Công dân' };
  var ACTION_LABELS = {
    submit: 'Nộp hồ sơ trực tuyến', receive: 'Nhận hồ sơ tại quầy, qua bưu chính', accept: 'Tiếp nhận hồ sơ', reject: 'Từ chối tiếp nhận',
    request_supplement: 'Yêu cầu bổ sung', resubmit: 'Công dân bổ sung hồ sơ', assign: 'Giao chuyên viên xử lý',
    transfer: 'Chuyển cơ quan liên thông', request_payment: 'Yêu cầu nộp phí, lệ phí', confirm_payment: 'Xác nhận đã nộp phí',
    approve: 'Phê duyệt kết quả', refuse: 'Từ chối giải quyết', extend: 'Xin lỗi và hẹn lại ngày trả', stop: 'Dừng xử lý',
    apply_fee_reduction: 'Miễn, giảm phí, lệ phí', hand_over: 'Chuyển bước xử lý',
    request_consult: 'Lấy ý kiến cơ quan liên quan', answer_consult: 'Trả lời ý kiến',
    return_result: 'Trả kết quả', withdraw: 'Công dân rút hồ sơ', flag: 'Nhắc hạn xử lý',
  };
  var STATUS_LABELS = {
    submitted: 'Mới đăng ký, chờ tiếp nhận', accepted: 'Đã tiếp nhận', rejected: 'Không được tiếp nhận', in_progress: 'Đang xử lý',
    supplement_requested: 'Yêu cầu bổ sung hồ sơ', awaiting_payment: 'Chờ thực hiện nghĩa vụ tài chính', withdrawn: 'Công dân đã rút hồ sơ',
    stopped: 'Dừng xử lý', result_ready: 'Đã có kết quả', returned: 'Đã trả kết quả',
  };
  var DELIVERY = { online: 'Trực tuyến', post: 'Bưu chính', counter: 'Tại Bộ phận Một cửa' };
  var RESULT_STATUSES = ['accepted', 'in_progress', 'awaiting_payment'];
  var DAY = 24 * 3600 * 1000;

  /* The page is rendered for the signed-in officer (server-side session); the API calls carry
     the session cookie and the CSRF token (common.js), never a token the page could read. */
  var who = document.getElementById('officer-who');
  if (!who) return;
  var session = { subject: who.dataset.subject, role: who.dataset.role, agency: who.dataset.agency };
  function call(method, path, body) {
    return DVC.api(method, path, { body: body }).then(function (answer) {
      if (answer.status === 401) location.replace('/can-bo/dang-nhap?next=' + encodeURIComponent(location.pathname));
      return answer;
    });
  }
  DVC.officerCall = call;
  DVC.officerSession = session;
  /* Open a printable form in a new tab, fetched with the officer's session (forms carry
     personal data). The tab shows it from a blob: URL, under this page's CSP: a <base> makes
     its stylesheet and print script (/static/…) load from the portal. */
  DVC.printForm = async function (href, message) {
    var popup = window.open('', '_blank');
    var answer = await DVC.api('GET', href);
    if (typeof answer.data !== 'string') {
      if (popup) popup.close();
      return DVC.say(message, DVC.message(answer.data), 'error');
    }
    var html = answer.data.replace('<head>', '<head><base href="' + location.origin + '/">');
    var url = URL.createObjectURL(new Blob([html], { type: 'text/html' }));
    if (popup) popup.location.href = url; else location.href = url;
  };
  function dueClass(item) {
    var due = item.due_at || item.acknowledge_by;
    if (item.overdue) return 'overdue';
    if (due && Date.parse(due) - Date.now() < DAY && !/returned|rejected|withdrawn|stopped/.test(item.status)) return 'due-soon';
    return '';
  }

  /* ---- inbox ---- */
  if (page === 'console-inbox') {
    var params = new URLSearchParams(location.search);
    var status = document.getElementById('f-status');
    var overdue = document.getElementById('f-overdue');
    var sync = document.getElementById('f-sync');
    status.value = params.get('status') || '';
    overdue.value = params.get('overdue') || '';
    sync.value = params.get('national_sync') || '';
    var box = document.getElementById('inbox-table');
    var more = document.getElementById('inbox-more');
    var message = document.getElementById('inbox-message');
    var next = null;
    var tbody = h('tbody');
    DVC.add(box, h('table', {},
      h('caption', { class: 'sr-only', text: 'Hồ sơ, hạn sớm nhất trước' }),
      h('thead', {}, h('tr', {}, ['Mã hồ sơ', 'Thủ tục', 'Người nộp', 'Ngày nộp', 'Hạn', 'Trạng thái'].map(function (t) { return h('th', { scope: 'col', text: t }); }))),
      tbody));
    var load = async function () {
      var q = new URLSearchParams();
      if (status.value) q.set('status', status.value);
      if (overdue.value) q.set('overdue', overdue.value);
      if (sync.value) q.set('national_sync', sync.value);
      if (next) q.set('page_token', next);
      var answer = await call('GET', '/v1/officer/dossiers?' + q.toString());
      if (answer.status !== 200) return DVC.say(message, DVC.message(answer.data), 'error');
      answer.data.items.forEach(function (d) {
        var cls = dueClass(d);
        var due = d.due_at || d.acknowledge_by;
        DVC.add(tbody, h('tr', { class: cls || null },
          h('td', {}, h('a', { href: '/can-bo/ho-so/' + encodeURIComponent(d.code), text: d.code })),
          h('td', { text: d.procedure.name }),
          h('td', { text: d.applicant_name }),
          h('td', { text: DVC.fmt.datetime(d.submitted_at) }),
          h('td', { class: 'due' }, (d.due_at ? '' : 'Tiếp nhận trước ') + DVC.fmt.datetime(due),
            cls === 'overdue' ? h('span', { class: 'sr-only', text: ' (quá hạn)' }) : cls === 'due-soon' ? h('span', { class: 'sr-only', text: ' (sắp đến hạn)' }) : null),
          h('td', { text: d.status_label })));
      });
      if (!tbody.children.length) DVC.say(message, 'Không có hồ sơ nào phù hợp.', '');
      next = answer.data.next_page_token;
      more.hidden = !next;
    };
    more.addEventListener('click', load);
    load();
    return;
  }

  if (page === 'console-dossier') dossierPage();

  function dossierPage() {
    var root = document.getElementById('officer-dossier');
    var code = root.dataset.code;
    var message = document.getElementById('action-message');
    var agencies = JSON.parse(document.getElementById('agencies-data').textContent);
    var formSchema = null;
    var base = '/v1/officer/dossiers/' + encodeURIComponent(code);

    async function reload(note) {
      var answer = await call('GET', base);
      if (answer.status !== 200) { root.textContent = ''; return DVC.say(message, DVC.message(answer.data), 'error'); }
      if (!formSchema) {
        var f = await DVC.api('GET', '/v1/procedures/' + encodeURIComponent(answer.data.procedure.code) + '/form');
        formSchema = f.status === 200 ? f.data : {};
      }
      render(answer.data);
      if (note) DVC.say(message, note, 'ok');
    }

    function fact(label, value) { return value === null || value === undefined || value === '' ? null : h('div', {}, h('dt', { text: label }), h('dd', {}, value)); }

    function render(d) {
      root.textContent = '';
      var cls = dueClass(d);
      var a = d.applicant || {};
      DVC.add(root, 
        h('p', {}, 'Tình trạng: ', h('span', { class: 'status', 'data-status': d.status, text: d.status_label }),
          cls === 'overdue' ? h('strong', { class: 'status bad', text: ' Quá hạn' }) : null),
        actions(d),
        h('h2', { text: 'Thông tin hồ sơ' }),
        h('dl', { class: 'facts' },
          fact('Thủ tục', d.procedure.name + ' (' + d.procedure.code + ')'),
          fact('Người nộp', a.full_name), fact('Số định danh', a.id_number), fact('Điện thoại', a.phone),
          fact('Email', a.email), fact('Địa chỉ', a.address),
          fact('Thời điểm nộp', DVC.fmt.datetime(d.submitted_at)),
          fact('Hạn tiếp nhận', DVC.fmt.datetime(d.acknowledge_by)),
          fact('Ngày tiếp nhận', d.accepted_at ? DVC.fmt.datetime(d.accepted_at) : null),
          h('div', { class: cls }, h('dt', { text: 'Hạn trả kết quả' }), h('dd', { class: 'due', text: d.due_at ? DVC.fmt.datetime(d.due_at) : 'Tính từ khi tiếp nhận' })),
          fact('Phí, lệ phí', DVC.fmt.vnd(d.fee_due) + (d.fee_paid ? ' (đã nộp ' + DVC.fmt.vnd(d.fee_paid) + ')' : '')),
          fact('Chuyên viên xử lý', d.assignee),
          fact('Bước xử lý', d.process_step ? stepName(d, d.process_step.step) + ' (hạn ' + DVC.fmt.datetime(d.process_step.due_at) + ')' : null),
          fact('Cách nhận kết quả', DELIVERY[d.result_delivery] || d.result_delivery)),
        d.requested ? h('div', { class: 'notice warn' }, h('p', { text: d.requested.type === 'supplement' ? 'Đang chờ công dân bổ sung: ' + (d.requested.items || []).join('; ') : 'Đang chờ nộp phí: ' + DVC.fmt.vnd(d.requested.amount) })) : null,
        (d.consults || []).filter(function (c) { return c.state === 'open'; }).map(function (c) {
          return h('div', { class: 'notice warn' }, h('p', { text: 'Xin ý kiến ' + c.agency_id + ' (hạn ' + DVC.fmt.datetime(c.due_at) + '): ' + c.question }));
        }),
        nationalSyncSection(d.national_sync),
        h('h2', { text: formSchema.title || 'Tờ khai' }),
        formView(d.form || {}, formSchema || {}),
        h('h2', { text: 'Tệp đính kèm' }),
        d.attachments.length ? h('ul', {}, d.attachments.map(function (f) {
          return h('li', {}, h('a', { href: f.url, text: f.filename }), ' (' + componentName(d, f.component_code) + (f.size_bytes ? ', ' + DVC.fmt.size(f.size_bytes) : '') + (f.reused ? '; dùng lại từ kho giấy tờ, hồ sơ ' + f.origin.dossier_code : '') + ')');
        })) : h('p', { text: 'Không có tệp đính kèm.' }),
        resultSection(d),
        h('h2', { text: 'Mẫu phiếu để in' }),
        h('ul', { class: 'chips' }, Object.keys(d.forms || {}).map(function (n) {
          var issued = (d.issued_forms || {})[n];
          return h('li', {}, h('a', { href: d.forms[n], 'data-form': n, onclick: printable, text: 'Mẫu ' + n + ' — ' + FORM_NAMES[n] }),
            ' ', h('a', { href: d.forms[n] + '/pdf', 'data-form-pdf': n, onclick: printablePdf, text: '(PDF)' }),
            d.read_only ? null : [' ', h('button', { type: 'button', class: 'btn btn-link', 'data-issue-form': n, onclick: issueForm, text: 'Phát hành bản ký số Mẫu ' + n })],
            issued ? [' ', h('a', { href: issued.verification_url, text: 'Bản ký số Mẫu ' + n + ' (xác thực)' })] : null);
        })),
        h('h2', { text: 'Lịch sử xử lý' }),
        history(d.history || []));
    }

    /* Where the dossier stands on the national portal; a refusal is said in words (not colour only). */
    function nationalSyncSection(sync) {
      if (!sync) return null;
      var failed = sync.state === 'failed';
      var section = h('section', { 'aria-labelledby': 'national-sync-title', id: 'national-sync', 'data-sync-state': sync.state },
        h('h2', { id: 'national-sync-title', text: 'Đồng bộ Cổng Dịch vụ công quốc gia' }));
      DVC.add(section, h('dl', { class: 'facts' },
        fact('Tình trạng đồng bộ', h('span', { class: 'status' + (failed ? ' bad' : ''), text: sync.state_label })),
        fact('Trạng thái gửi gần nhất', sync.status_label ? sync.status_label + ' (mã ' + sync.status_code + ')' : 'Chưa gửi trạng thái nào'),
        fact(failed ? 'Thời điểm bị từ chối' : sync.state === 'synced' ? 'Thời điểm đồng bộ' : 'Thay đổi chờ gửi từ', sync.at ? DVC.fmt.datetime(sync.at) : null)));
      if (failed) DVC.add(section, h('div', { class: 'notice error' },
        h('h3', { text: 'Cổng quốc gia từ chối bản ghi đồng bộ' }),
        h('p', { text: 'Lý do Cổng quốc gia trả về: ' + (sync.reason || 'không có') }),
        h('p', { text: sync.advice }),
        h('p', {}, h('a', { href: '/can-bo/ho-so?national_sync=failed', text: 'Hồ sơ bị Cổng quốc gia từ chối' }))));
      return section;
    }

    /* Circular 03/2025/TT-VPCP numbering (the control slip is 06; 05 is the stop notice). */
    var FORM_NAMES = { '01': 'Giấy tiếp nhận và hẹn trả', '02': 'Yêu cầu bổ sung', '03': 'Từ chối', '04': 'Xin lỗi, đề nghị gia hạn', '05': 'Thông báo dừng giải quyết', '06': 'Phiếu kiểm soát' };

    function componentName(d, code) {
      var c = (d.procedure.components || []).find(function (x) { return x.code === code; });
      return c ? c.name : code;
    }

    function formView(value, schema) {
      var props = (schema && schema.properties) || {};
      if (Array.isArray(value)) return h('ol', {}, value.map(function (v) { return h('li', {}, formView(v, schema.items || {})); }));
      if (value === null || typeof value !== 'object') return document.createTextNode(value === true ? 'Có' : value === false ? 'Không' : String(value));
      return h('dl', { class: 'review' }, Object.keys(value).map(function (k) {
        var sub = props[k] || {};
        return [h('dt', { text: sub.title || k }), h('dd', {}, formView(value[k], sub))];
      }));
    }

    function history(entries) {
      return h('div', { class: 'table-wrap' }, h('table', {},
        h('thead', {}, h('tr', {}, ['Thời điểm', 'Bước', 'Trạng thái', 'Người thực hiện', 'Ghi chú'].map(function (t) { return h('th', { scope: 'col', text: t }); }))),
        h('tbody', {}, entries.map(function (e) {
          return h('tr', {},
            h('td', { text: DVC.fmt.datetime(e.at) }),
            h('td', { text: ACTION_LABELS[e.action] || e.action }),
            h('td', { text: STATUS_LABELS[e.status_to] || e.status_to }),
            h('td', { text: (ROLES[e.actor_role] || e.actor_role || '') + (e.actor_id ? ' (' + e.actor_id + ')' : '') }),
            h('td', { text: e.note || e.public_note || '' }));
        }))));
    }

    /* Issue a form as a document the agency signs (Forms 01–05 also reach the applicant's wallet). */
    async function issueForm(e) {
      var button = e.currentTarget;
      var n = button.dataset.issueForm;
      button.disabled = true;
      var answer = await call('POST', base + '/forms/' + n + '/issue', {});
      /* The button sits at the foot of a long page, the message at its head: bring it in view. */
      if (answer.status !== 201) {
        button.disabled = false;
        DVC.say(message, DVC.message(answer.data), 'error');
        return message.scrollIntoView({ block: 'center' });
      }
      await reload('Đã phát hành Mẫu ' + n + ' có chữ ký số của cơ quan' +
        (answer.data.in_wallet ? '; văn bản đã vào kho giấy tờ của người nộp.' : '.'));
      message.scrollIntoView({ block: 'center' });
    }

    function printable(e) {
      e.preventDefault();
      DVC.printForm(e.currentTarget.getAttribute('href'), message);
    }

    async function printablePdf(e) {
      e.preventDefault();
      var popup = window.open('', '_blank');
      var answer = await fetch(e.currentTarget.getAttribute('href'), {
        headers: { Accept: 'application/pdf' }, credentials: 'same-origin',
      });
      if (!answer.ok) {
        if (popup) popup.close();
        return DVC.say(message, 'Không tạo được bản PDF của mẫu phiếu.', 'error');
      }
      var url = URL.createObjectURL(await answer.blob());
      if (popup) popup.location.href = url; else location.href = url;
    }

    /* ---- actions: one button per allowed action, each opening its own small form ---- */
    var FIELDS = {
      accept: [['note', 'Ghi chú', 'textarea']],
      reject: [['note', 'Lý do từ chối', 'textarea', true]],
      request_supplement: [['items', 'Giấy tờ cần bổ sung (mỗi dòng một mục)', 'textarea', true], ['note', 'Hướng dẫn thêm', 'textarea']],
      assign: [['assignee', 'Mã cán bộ được giao', 'text', true]],
      transfer: [['agency', 'Cơ quan nhận', 'agency', true], ['note', 'Ghi chú', 'textarea']],
      hand_over: [['step', 'Bước nhận hồ sơ', 'step', true], ['assignee', 'Mã cán bộ nhận', 'receiver']],
      request_consult: [['agency', 'Cơ quan được xin ý kiến', 'agency', true], ['note', 'Nội dung xin ý kiến', 'textarea', true], ['reply_days', 'Hạn trả lời (ngày làm việc)', 'number']],
      answer_consult: [['note', 'Ý kiến của cơ quan', 'textarea', true]],
      request_payment: [['amount', 'Số tiền (đồng)', 'number', true], ['note', 'Ghi chú', 'textarea']],
      confirm_payment: [['amount', 'Số tiền đã thu (đồng)', 'number']],
      approve: [['note', 'Ghi chú', 'textarea']],
      refuse: [['note', 'Lý do từ chối giải quyết', 'textarea', true]],
      extend: [['new_due_at', 'Ngày giờ hẹn mới', 'datetime-local', true], ['note', 'Lý do chậm, lời xin lỗi', 'textarea', true]],
      stop: [['note', 'Lý do dừng xử lý', 'textarea', true]],
      apply_fee_reduction: [['reduction', 'Mã mức miễn, giảm (theo danh mục thủ tục)', 'text', true]],
      return_result: [['via', 'Hình thức trả', 'via'], ['fee_collected', 'Phí thu tại quầy (đồng)', 'number']],
    };
    var DANGER = ['reject', 'refuse', 'stop'];

    function stepName(d, code) {
      var step = (d.procedure.internal_process || []).filter(function (s) { return s.code === code; })[0];
      return step ? step.name : code;
    }

    function actions(d) {
      var section = h('section', { 'aria-labelledby': 'actions-title' }, h('h2', { id: 'actions-title', text: 'Thao tác' }));
      if (d.read_only && d.allowed_actions.indexOf('answer_consult') < 0) { DVC.add(section, h('p', { text: 'Hồ sơ đã chuyển cho cơ quan khác giải quyết; cơ quan của bạn chỉ được xem.' })); return section; }
      if (!d.allowed_actions.length) { DVC.add(section, h('p', { text: 'Vai trò của bạn không có thao tác nào ở trạng thái này.' })); return section; }
      var panelHost = h('div');
      DVC.add(section, h('div', { class: 'actions' }, d.allowed_actions.map(function (name) {
        return h('button', { type: 'button', class: 'btn ' + (DANGER.indexOf(name) >= 0 ? 'btn-danger' : 'btn-primary'), 'data-action': name, 'aria-expanded': 'false',
          text: ACTION_LABELS[name] || name, onclick: function (e) { openPanel(d, name, panelHost, e.currentTarget); } });
      })), panelHost);
      return section;
    }

    function control(d, spec) {
      var name = spec[0], label = spec[1], kind = spec[2], required = spec[3];
      var id = 'f-action-' + name;
      var attrs = { id: id, name: name, 'data-path': name, 'aria-describedby': id + '-error' };
      if (required) { attrs.required = true; attrs['aria-required'] = 'true'; }
      var input;
      if (kind === 'textarea') input = h('textarea', Object.assign(attrs, { rows: '3' }));
      else if (kind === 'agency') input = h('select', attrs, h('option', { value: '', text: '— Chọn cơ quan —' }), agencies.filter(function (a) { return a.id !== d.agency_id; }).map(function (a) { return h('option', { value: a.id, text: a.name }); }));
      else if (kind === 'step') input = h('select', attrs, h('option', { value: '', text: '— Chọn bước —' }), (d.procedure.internal_process || []).filter(function (s) { return !d.process_step || s.code !== d.process_step.step; }).map(function (s) { return h('option', { value: s.code, text: s.name }); }));
      else if (kind === 'receiver') input = h('input', Object.assign(attrs, { type: 'text' }));
      else if (kind === 'via') input = h('select', attrs, Object.keys(DELIVERY).map(function (k) { return h('option', { value: k, text: DELIVERY[k], selected: k === d.result_delivery }); }));
      else input = h('input', Object.assign(attrs, { type: kind, inputmode: kind === 'number' ? 'numeric' : null, min: kind === 'number' ? '0' : null }));
      if (name === 'amount' && d.fee_due) input.value = d.fee_due - (d.fee_paid || 0) || d.fee_due;
      if (name === 'assignee') input.value = session.subject;
      return h('div', { class: 'field', 'data-field': true },
        h('label', { for: id }, label, required ? h('span', { class: 'req', 'aria-hidden': 'true', text: ' *' }) : h('span', { class: 'optional', text: ' (không bắt buộc)' })),
        h('p', { class: 'field-error', id: id + '-error', hidden: true }),
        input);
    }

    function openPanel(d, name, host, opener) {
      host.textContent = '';
      document.querySelectorAll('[data-action]').forEach(function (b) { b.setAttribute('aria-expanded', String(b === opener)); });
      var panel = h('form', { class: 'panel', novalidate: true, 'aria-labelledby': 'panel-title' },
        h('h3', { id: 'panel-title', tabindex: '-1', text: ACTION_LABELS[name] || name }),
        (FIELDS[name] || []).map(function (spec) { return control(d, spec); }));
      var errors = h('div', { role: 'alert', hidden: true });
      DVC.add(panel, errors, h('div', { class: 'actions' },
        h('button', { type: 'submit', class: 'btn btn-primary', text: 'Xác nhận: ' + (ACTION_LABELS[name] || name) }),
        h('button', { type: 'button', class: 'btn btn-secondary', text: 'Hủy', onclick: function () { host.textContent = ''; opener.setAttribute('aria-expanded', 'false'); opener.focus(); } })));
      panel.addEventListener('submit', async function (e) {
        e.preventDefault();
        DVC.clearErrors(panel);
        var body = { action: name, version: d.version };
        var missing = false;
        (FIELDS[name] || []).forEach(function (spec) {
          var el = panel.querySelector('[name="' + spec[0] + '"]');
          var v = el.value.trim();
          if (!v) { if (spec[3]) { DVC.fieldError(el, spec[1] + ': bắt buộc phải nhập'); missing = true; } return; }
          if (spec[0] === 'items') v = v.split('\n').map(function (s) { return s.trim(); }).filter(Boolean);
          else if (spec[2] === 'number') v = Number(v);
          else if (spec[2] === 'datetime-local') v = (v.length === 16 ? v + ':00' : v) + '+07:00';
          body[spec[0]] = v;
        });
        if (missing) { DVC.say(errors, 'Vui lòng nhập các mục bắt buộc.', 'error'); return; }
        var submit = panel.querySelector('button[type=submit]');
        submit.disabled = true;
        var answer = await call('POST', base + '/actions', body);
        submit.disabled = false;
        if (answer.status === 200) {
          render(answer.data);
          DVC.say(message, 'Đã thực hiện: ' + (ACTION_LABELS[name] || name) + '. Trạng thái mới: ' + answer.data.status_label + '.', 'ok');
          message.scrollIntoView({ block: 'center' });
          message.focus();  // the panel and its button are gone: keep the keyboard here, not at the page's start
          return;
        }
        (answer.data.error.details || []).forEach(function (detail) {
          var el = panel.querySelector('[name="' + detail.field.split(/[.[]/)[0] + '"]');
          if (el) DVC.fieldError(el, detail.message);
        });
        DVC.say(errors, DVC.message(answer.data), 'error');
        if (answer.data.error.code === 'CONFLICT') {
          DVC.add(errors, h('button', { type: 'button', class: 'btn btn-secondary', text: 'Tải lại hồ sơ', onclick: function () { reload(); } }));
        }
      });
      DVC.add(host, panel);
      panel.querySelector('#panel-title').focus();
    }

    /* ---- the result document, uploaded straight to the results bucket ---- */
    function resultSection(d) {
      var section = h('section', { 'aria-labelledby': 'result-title' }, h('h2', { id: 'result-title', text: 'Kết quả giải quyết' }));
      var doc = d.result_document;
      DVC.add(section, h('p', { text: doc ? 'Đã đính kèm: ' + doc.filename + ' (' + DVC.fmt.datetime(doc.attached_at) + ')' : 'Chưa đính kèm văn bản kết quả.' }));
      if (doc && doc.document_id) DVC.add(section, h('p', {}, 'Đã ký số bởi ' + doc.signed_by + ' lúc ' + DVC.fmt.datetime(doc.signed_at) + ' — ', h('a', { href: doc.verification_url, text: 'trang xác thực' })));
      if (d.read_only || RESULT_STATUSES.indexOf(d.status) < 0) return section;
      if ((d.procedure.result || {}).template) {
        DVC.add(section, h('p', {}, h('button', { type: 'button', class: 'btn', text: 'Tạo văn bản kết quả theo mẫu', onclick: async function () {
          var answer = await call('POST', base + '/result/template', {});
          if (answer.status !== 201) return DVC.say(message, DVC.message(answer.data), 'error');
          await reload('Đã tạo văn bản kết quả theo mẫu; văn bản được ký số khi lãnh đạo phê duyệt.');
        } })));
      }
      var id = 'f-result-file';
      var bar = h('progress', { id: id + '-progress', max: '100', value: '0', hidden: true, 'aria-label': 'Tiến độ tải lên kết quả' });
      var status = h('p', { class: 'upload-text', id: id + '-status', 'aria-live': 'polite' });
      var input = h('input', { type: 'file', id: id, accept: 'application/pdf', 'aria-describedby': id + '-error ' + id + '-status' });
      DVC.add(section, h('div', { class: 'field upload' },
        h('label', { for: id, text: doc ? 'Thay văn bản kết quả (PDF, được ký số khi phê duyệt)' : 'Đính kèm văn bản kết quả (PDF, được ký số khi phê duyệt)' }),
        h('p', { class: 'field-error', id: id + '-error', hidden: true }), input, bar, status));
      input.addEventListener('change', async function () {
        var file = input.files[0];
        DVC.clearErrors(section);
        if (!file) return;
        status.textContent = 'Đang tải lên…';
        var answer = await call('POST', base + '/result', { filename: file.name, content_type: file.type, size_bytes: file.size });
        if (answer.status !== 201) { status.textContent = ''; return DVC.fieldError(input, DVC.message(answer.data) + ' ' + (answer.data.error.details || []).map(function (x) { return x.message; }).join('; ')); }
        bar.hidden = false;
        try {
          await DVC.upload(answer.data.url, answer.data.fields, file, function (p) { bar.value = p; });
        } catch (e) {
          status.textContent = '';
          return DVC.fieldError(input, 'Tải tệp lên không thành công. Vui lòng thử lại.');
        }
        await reload('Đã đính kèm văn bản kết quả: ' + file.name + '.');
      });
      return section;
    }

    reload();
  }
})();
