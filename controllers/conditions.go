package controllers

import (
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/recorder"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

// Condition reasons shared by the controllers.
const (
	ReasonSucceeded = "Succeeded"
)

// maxMessage bounds condition and event messages (the API allows 32768).
const maxMessage = 4096

// conditioned is a hookflow object with conditions.
type conditioned interface {
	client.Object
	GetConditions() []metav1.Condition
	SetConditions([]metav1.Condition)
	SetObservedGeneration(int64)
}

// markReady sets Ready=True and removes Stalled.
func markReady(obj conditioned, reason, message string) {
	setCondition(obj, v1alpha1.ReadyCondition, metav1.ConditionTrue, reason, message)
	removeCondition(obj, v1alpha1.StalledCondition)
}

// markNotReady sets Ready=False; stalled tells whether only a change of the
// spec (or of what it references) can help, in which case Stalled=True too.
func markNotReady(obj conditioned, reason, message string, stalled bool) {
	setCondition(obj, v1alpha1.ReadyCondition, metav1.ConditionFalse, reason, message)
	if stalled {
		setCondition(obj, v1alpha1.StalledCondition, metav1.ConditionTrue, reason, message)
	} else {
		removeCondition(obj, v1alpha1.StalledCondition)
	}
}

func setCondition(obj conditioned, typ string, status metav1.ConditionStatus, reason, message string) {
	conds := obj.GetConditions()
	meta.SetStatusCondition(&conds, metav1.Condition{
		Type:               typ,
		Status:             status,
		ObservedGeneration: obj.GetGeneration(),
		Reason:             reason,
		Message:            truncate(message),
	})
	obj.SetConditions(conds)
}

func removeCondition(obj conditioned, typ string) {
	conds := obj.GetConditions()
	meta.RemoveStatusCondition(&conds, typ)
	obj.SetConditions(conds)
}

// recordReadiness emits an event when Ready changed status, reason or
// message between before and after: Normal when it became True, Warning
// otherwise.
func recordReadiness(rec recorder.EventRecorder, before, after conditioned) {
	was := meta.FindStatusCondition(before.GetConditions(), v1alpha1.ReadyCondition)
	now := meta.FindStatusCondition(after.GetConditions(), v1alpha1.ReadyCondition)
	if now == nil || (was != nil && was.Status == now.Status && was.Reason == now.Reason && was.Message == now.Message) {
		return
	}
	eventType := "Warning"
	if now.Status == metav1.ConditionTrue {
		eventType = "Normal"
	}
	rec.Eventf(after.(runtime.Object), nil, eventType, now.Reason, "Reconcile", "%s", now.Message)
}

func truncate(s string) string {
	if len(s) <= maxMessage {
		return s
	}
	return s[:maxMessage-3] + "..."
}
