// Request your images: the wizard's store and the list's, over the core's RequestWizard and
// RequestsScreen, published on the main actor.
//
// The core holds every rule: the steps, each field's id, kind, whether it is required, its
// value and its error (a refused Next stays on the step with the errors), the review lines, the
// law and its due dates, what to do next (send, wait, follow up, complain) and the letters as
// PDF bytes. The stores forward what the patient did and publish the views in order.

import Foundation
import Observation
import Scanpass

@MainActor
@Observable
public final class RequestWizardStore {
    public private(set) var view: WizardView?
    public private(set) var message: PatientMessage?

    @ObservationIgnored private var wizard: RequestWizard?
    @ObservationIgnored private let core = CoreQueue(label: "request.wizard")
    @ObservationIgnored private var order = CallOrder()

    public init() {}

    /// A new request (`resumeId` nil) or the unfinished one with that id, dated by `clock`.
    public func open(vault: Vault, locale: String, clock: RequestClock, resumeId: String? = nil) async {
        do {
            let wizard = try await core.run { () throws -> RequestWizard in
                if let resumeId {
                    return try RequestWizard.resume(vault: vault, locale: locale, clock: clock, id: resumeId)
                }
                return RequestWizard(vault: vault, locale: locale, clock: clock)
            }
            self.wizard = wizard
            await call { try wizard.view() }
        } catch {
            message = PatientMessage(error)
        }
    }

    /// The core's error for one field of the step shown, if refused.
    public func error(for field: String) -> String? {
        view?.fields.first { $0.id == field }?.error
    }

    public func setText(_ field: String, _ value: String) async { await send(.setText(field: field, value: value)) }
    public func setToggle(_ field: String, _ on: Bool) async { await send(.setToggle(field: field, on: on)) }
    public func choose(_ field: String, _ code: String) async { await send(.choose(field: field, code: code)) }
    public func next() async { await send(.next) }
    public func back() async { await send(.back) }
    public func edit(step: String) async { await send(.edit(step: step)) }
    public func generate() async { await send(.generate) }
    public func dismissMessage() { message = nil }

    /// The letter as PDF bytes, once the view says `finished`.
    public func letterPdf() async -> Data? {
        guard let wizard else { return nil }
        do {
            return try await core.run { try wizard.letterPdf() }
        } catch {
            message = PatientMessage(error)
            return nil
        }
    }

    public func send(_ event: WizardEvent) async {
        guard let wizard else { return }
        await call { try wizard.handle(event: event) }
    }

    private func call(_ body: @escaping @Sendable () throws -> WizardView) async {
        let number = order.issue()
        do {
            let next = try await core.run(body)
            guard order.accept(number) else { return }
            view = next
            message = nil
        } catch {
            message = PatientMessage(error)
        }
    }
}

@MainActor
@Observable
public final class RequestsStore {
    public private(set) var view: RequestsView?
    public private(set) var message: PatientMessage?

    @ObservationIgnored private let screen: RequestsScreen
    @ObservationIgnored private let core = CoreQueue(label: "requests")

    public init(vault: Vault, locale: String, clock: RequestClock) {
        screen = RequestsScreen(vault: vault, locale: locale, clock: clock)
    }

    public func load() async {
        let screen = self.screen
        await call { try screen.view() }
    }

    /// One of an item's actions, as the core listed it, dated today (the core's clock).
    /// `resume` is the wizard's (AppStore shows it); the others change the request here.
    public func perform(_ action: RequestAction, on id: String) async {
        let event: RequestsEvent? = switch action {
        case .resume: nil
        case .markSent: .markSent(id: id, on: nil, channel: nil)
        case .markAcknowledged: .markAcknowledged(id: id, on: nil)
        case .markExtended: .markExtended(id: id, on: nil, until: nil)
        case .markReceived: .markReceived(id: id, on: nil, studyId: nil)
        case .markRefused: .markRefused(id: id, on: nil)
        case .markOutcome: .markOutcome(id: id, on: nil)
        case .delete: .delete(id: id)
        }
        if let event { await send(event) }
    }

    public func send(_ event: RequestsEvent) async {
        let screen = self.screen
        await call { try screen.handle(event: event) }
    }

    /// A letter of request `id` as PDF bytes (making a follow-up or complaint records it, so the
    /// list is read again after).
    public func letterPdf(id: String, kind: LetterKind) async -> Data? {
        let screen = self.screen
        do {
            let pdf = try await core.run { try screen.letterPdf(id: id, kind: kind) }
            await load()
            return pdf
        } catch {
            message = PatientMessage(error)
            return nil
        }
    }

    public func dismissMessage() { message = nil }

    private func call(_ body: @escaping @Sendable () throws -> RequestsView) async {
        do {
            view = try await core.run(body)
            message = nil
        } catch {
            message = PatientMessage(error)
        }
    }
}
