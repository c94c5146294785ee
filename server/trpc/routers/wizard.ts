import { CreateWizardInput, MergeInput, SessionInput, TransitionInput } from '../../wizard/inputs'
import { mergeStage } from '../../wizard/merge'
import { publishWizard } from '../../wizard/publish'
import { abandonWizard, createWizard, getWizard, listUnfinishedWizards } from '../../wizard/sessions'
import { transitionStage } from '../../wizard/transition'
import { createTrpcRouter, protectedProcedure } from '../init'

export const wizardRouter = createTrpcRouter({
  create: protectedProcedure.input(CreateWizardInput).mutation(({ ctx, input }) => createWizard(ctx.deps, ctx.claims, input)),
  list: protectedProcedure.query(({ ctx }) => listUnfinishedWizards(ctx.deps, ctx.claims)),
  get: protectedProcedure.input(SessionInput).query(({ ctx, input }) => getWizard(ctx.deps, ctx.claims, input.sessionId)),
  merge: protectedProcedure.input(MergeInput).mutation(({ ctx, input }) => mergeStage(ctx.deps, ctx.actor, input)),
  transition: protectedProcedure.input(TransitionInput).mutation(({ ctx, input }) => transitionStage(ctx.deps, ctx.actor, input)),
  publish: protectedProcedure.input(SessionInput).mutation(({ ctx, input }) => publishWizard(ctx.deps, ctx.actor, input.sessionId)),
  abandon: protectedProcedure.input(SessionInput).mutation(({ ctx, input }) => abandonWizard(ctx.deps, ctx.actor, input.sessionId)),
})
